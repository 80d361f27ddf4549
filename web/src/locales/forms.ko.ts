/** 콘솔 입력 폼 자체 검사 메시지 (입력란 옆에 표시). ko.ts 에 병합된다. */
import type { FormsMessages } from './forms.en';

const formsKo: FormsMessages = {
  formChecks: {
    groupCode: '영문, 숫자, _, -만 쓸 수 있습니다 (50자 이내, 예: cycle-1)',
    required: '필수 항목입니다',
    amount: '0 이상의 금액을 입력하세요 (예: 1200, 9.90)',
    positive: '0보다 큰 숫자를 입력하세요',
    whole: '0 이상의 정수를 입력하세요',
    quantity: '0 이상의 수량을 입력하세요',
    percent: '0에서 100 사이의 비율(%)을 입력하세요',
    code: '영문·숫자·_ . - 만 사용할 수 있으며 영문 또는 숫자로 시작해야 합니다',
    duplicate: '다른 구성 요소가 이미 이 코드를 사용합니다',
    oneComponent: '요금 항목을 하나 이상 추가하세요',
    tiersRequired: '구간을 하나 이상 추가하세요',
    lastTierOpen: '마지막 구간의 상한은 비워 두세요 (제한 없음)',
    tierOrder: '이전 구간의 상한({prev})보다 커야 합니다',
    previewIncomplete: '표시된 항목을 채우면 미리보기가 계산됩니다.',
    previewFailed: '미리보기를 계산하지 못했습니다. 요금제 항목을 확인하세요.',
  },
};

export default formsKo;
