/**
 * Korean for every English message template the server can put in a problem+json body
 * (`detail`, `issues[].message`). server/lib/i18n.ts matches a message against these templates
 * and fills in the Korean one; test/unit/messages-ko.test.ts scans server/**\/*.ts and fails on
 * any message that has no entry here.
 *
 * Placeholders stand for the variable parts (codes, dates, numbers, lists) and are copied as they
 * are, except when typed:
 *   {x:noun}   an English noun from KO_NOUNS ("Customer" → "고객");
 *   {x:phrase} a phrase translated by this catalog ("a string" → "문자열");
 *   {x:list}   a "; "-separated list of phrases;
 *   {x:opt}    like phrase, but kept as it is when the catalog does not know it;
 *   {x:alt}    "a or b" → "a 또는 b".
 * Korean templates may write 을(를), 이(가), 은(는), 과(와), (으)로, (이)어야 after a placeholder: the
 * particle is chosen from the final sound of the word in front of it when that word is Korean or
 * a number (otherwise both forms stay, as Korean software usually writes them).
 *
 * Terms follow the console (web/src/locales/*.ko.ts and the project glossary): tenant 사업자,
 * plan 상품, rule 룰, subscription 서비스, order 오더, payer 납부자, bill run 요금 계산,
 * bill-run group 배치 그룹, credit note 요금 조정, fact 항목. Codes, field names, JSON paths,
 * numbers and quoted identifiers stay as they are.
 */

import { KO_COLLECTIONS_MESSAGES } from './messages-ko-collections';
import { KO_PLANS_MESSAGES } from './messages-ko-plans';
import { KO_SECURITY_MESSAGES } from './messages-ko-security';
import { KO_ANALYTICS_MESSAGES } from './messages-ko-analytics';
import { KO_DEPOSITS_MESSAGES, KO_DEPOSITS_NOUNS } from './messages-ko-deposits';
import { KO_GATEWAY_SETTINGS_MESSAGES } from './messages-ko-gateways';
import { KO_DUNNING_MESSAGES, KO_DUNNING_NOUNS } from './messages-ko-dunning';
import { KO_PAYMENTS_INGEST_MESSAGES } from './messages-ko-payments-ingest';

/** Nouns that fill `{x:noun}` (labels passed to notFound() and the catalog kinds). */
export const KO_NOUNS: Record<string, string> = {
  'Credit note': '요금 조정',
  ...KO_DEPOSITS_NOUNS,
  ...KO_DUNNING_NOUNS,
  'Churn model version': '이탈 예측 모델 버전',
  'Webhook endpoint': '웹훅 엔드포인트',
  'Webhook delivery': '웹훅 전송 기록',
  Exclusion: '미납 제외 대상',
  'API key': 'API 키',
  'Bill run': '요금 계산',
  Contract: '계약',
  Customer: '고객',
  Group: '그룹',
  Import: '가져오기',
  Invoice: '청구서',
  Meter: '미터',
  'Metering error': '미터링 오류',
  Order: '오더',
  Payer: '납부자',
  Payment: '결제',
  'Payment method': '결제수단',
  'Gateway credentials': '결제대행사 인증 정보',
  Plan: '상품',
  'Plan relation': '상품 관계',
  'Plan version': '상품 버전',
  Rule: '룰',
  'Rule version': '룰 버전',
  Subscription: '서비스',
  Tenant: '사업자',
  User: '사용자',
  Wallet: '선수금 지갑',
  plan: '상품',
  rule: '룰',
};

/** English template → Korean template. */
export const KO_MESSAGES: Record<string, string> = {
  ...KO_COLLECTIONS_MESSAGES,
  ...KO_PLANS_MESSAGES,
  ...KO_SECURITY_MESSAGES,
  ...KO_ANALYTICS_MESSAGES,
  ...KO_DEPOSITS_MESSAGES,
  ...KO_GATEWAY_SETTINGS_MESSAGES,
  ...KO_DUNNING_MESSAGES,
  ...KO_PAYMENTS_INGEST_MESSAGES,
  // ---- generic (errors.ts, app.ts, http.ts, hono) ---------------------------------------------
  '{what:noun} not found': '{what}을(를) 찾을 수 없습니다',
  'This action needs the permission "{permission}"': '이 작업에는 "{permission}" 권한이 필요합니다',
  'No route for {method} {path}': '{method} {path}에 해당하는 API가 없습니다',
  'The body is not valid JSON': '요청 본문이 올바른 JSON이 아닙니다',
  'Malformed JSON in request body': '요청 본문이 올바른 JSON이 아닙니다',
  'Unsupported Media Type': '지원하지 않는 미디어 유형입니다',
  'Something went wrong on our side; the request id identifies it in the logs': '서버에서 오류가 발생했습니다. 요청 ID로 로그에서 찾을 수 있습니다',
  'The API key is unknown or revoked': '알 수 없거나 폐기된 API 키입니다',
  'Log in or send an API key (Authorization: Bearer ...)': '로그인하거나 API 키를 보내세요 (Authorization: Bearer ...)',
  'This endpoint needs a console session': '이 API는 콘솔 로그인 세션이 필요합니다',
  'The body is larger than the limit of {limit} MB for this endpoint': '요청 본문이 이 API의 한도 {limit}MB보다 큽니다',
  'A cross-site request cannot use the session cookie; send JSON from the console or use an API key': '다른 사이트에서 보낸 요청은 로그인 세션 쿠키를 쓸 수 없습니다. 콘솔에서 JSON으로 보내거나 API 키를 사용하세요',
  'must be 1 to 255 visible ASCII characters (a UUID is a good key)': '공백 없는 ASCII 문자 1~255자여야 합니다 (UUID를 권장합니다)',
  'was already used by another user or API key; use a new key': '다른 사용자나 API 키가 이미 쓴 키입니다. 새 키를 쓰세요',
  'was already used for another request ({method} {path}); use a new key for a new request': '이미 다른 요청({method} {path})에 쓴 키입니다. 새 요청에는 새 키를 쓰세요',
  'already in use': '이미 사용 중입니다',
  'is required': '필수 항목입니다',
  'must be a JSON object': 'JSON 객체여야 합니다',
  // server/lib/input-guard.ts
  'must not contain the NUL character (\\u0000)': 'NUL 문자(\\u0000)를 포함할 수 없습니다',
  'must be valid Unicode text (it holds an unpaired surrogate)': '올바른 유니코드 텍스트여야 합니다 (짝이 없는 서로게이트 문자가 있습니다)',
  'is nested too deeply (at most 64 levels)': '너무 깊게 중첩되어 있습니다 (최대 64단계)',
  'must be an object': '객체여야 합니다',
  'must be a date YYYY-MM-DD': 'YYYY-MM-DD 형식의 날짜여야 합니다',
  'must be a month YYYY-MM': 'YYYY-MM 형식의 월이어야 합니다',
  'not a calendar date': '달력에 없는 날짜입니다',
  'is not a calendar date': '달력에 없는 날짜입니다',
  'must be between 1900-01 and 9999-12': '1900-01부터 9999-12 사이의 월이어야 합니다',
  'no plan with code "{code}"': '코드가 "{code}"인 상품이 없습니다',
  'must be between 1900-01-01 and 9999-12-31': '1900-01-01부터 9999-12-31 사이의 날짜여야 합니다',
  'timestamp must be between 1900-01-01 and 9999-12-31': 'timestamp는 1900-01-01부터 9999-12-31 사이여야 합니다',
  'must be an e-mail address': '이메일 주소여야 합니다',
  'must be true or false': 'true 또는 false여야 합니다',
  'must be greater than 0': '0보다 커야 합니다',
  'must be at most 100': '100 이하여야 합니다',
  'must be one of {values}': '{values} 중 하나여야 합니다',
  'none': '없음',

  // ---- access, tenants ------------------------------------------------------------------------
  'no such group': '없는 그룹입니다',
  'unknown permission "{permission}"': '알 수 없는 권한 "{permission}"입니다',
  'Too many login attempts; try again in {seconds} seconds': '로그인 시도가 너무 많습니다. {seconds}초 후에 다시 시도하세요',
  'is not your current password': '현재 비밀번호가 아닙니다',
  'You can only grant permissions you hold yourself': '자신이 가진 권한만 부여할 수 있습니다',
  'grants "{permission}", which you do not hold': '내가 가지지 않은 "{permission}" 권한을 부여합니다',
  'You cannot change a user who holds permissions you do not hold': '내가 가지지 않은 권한을 가진 사용자는 변경할 수 없습니다',
  'A group with this code already exists': '같은 코드의 그룹이 이미 있습니다',
  'A user with this e-mail already exists': '같은 이메일의 사용자가 이미 있습니다',
  'A tenant with this code already exists': '같은 코드의 사업자가 이미 있습니다',
  'The built-in admin group always has every permission; make a new group for a narrower role': '기본 관리자 그룹은 항상 모든 권한을 가집니다. 권한을 줄인 역할은 새 그룹으로 만드세요',
  'cannot remove permissions from the built-in admin group': '기본 관리자 그룹의 권한은 뺄 수 없습니다',
  'This change would leave the tenant without an active administrator': '이렇게 바꾸면 사업자에 사용 중인 관리자가 한 명도 남지 않습니다',
  'the last active member of the admin group must stay an active admin': '관리자 그룹의 마지막 사용 중인 사용자는 사용 중인 관리자로 남아 있어야 합니다',
  'is not an ISO 4217 currency code': 'ISO 4217에 없는 통화 코드입니다',
  'must be at least 8 characters': '8자 이상이어야 합니다',
  'lowercase letters, digits, _ or -, 2-41 characters': '영문 소문자, 숫자, _, -로 2~41자여야 합니다',
  'lowercase letters, digits or -, 2-41 characters': '영문 소문자, 숫자, -로 2~41자여야 합니다',
  'must be an IANA time zone such as Asia/Seoul': 'Asia/Seoul 같은 IANA 시간대여야 합니다',
  'must be an ISO 4217 code such as KRW or USD': 'KRW, USD 같은 ISO 4217 통화 코드여야 합니다',

  // ---- analytics ------------------------------------------------------------------------------
  'must not be after `to`': '`to` 이후일 수 없습니다',
  'at most 60 months at a time': '한 번에 최대 60개월까지 조회할 수 있습니다',

  // ---- billing (bill runs) --------------------------------------------------------------------
  'no bill-run group "{code}"': '없는 배치 그룹 "{code}"입니다',
  "must fall on the group's cycle day {day} (periods of one group never overlap)": '배치 그룹의 청구 주기일({day}일)이어야 합니다 (한 그룹의 기간은 겹치지 않습니다)',
  'must be a date after periodStart': 'periodStart보다 늦은 날짜여야 합니다',
  'an anniversary run covers one calendar month; leave periodEnd out': '가입일 기준 요금 계산은 한 달 단위입니다. periodEnd를 비워 두세요',
  'the period ends on {date} and has not ended yet; send allowOpenPeriod: true to bill it anyway, or make a dry run': '기간이 {date}에 끝나며 아직 끝나지 않았습니다. 그래도 청구하려면 allowOpenPeriod: true를 보내거나 모의 계산을 하세요',
  'group "{code}" already has bill runs; its mode cannot change': '배치 그룹 "{code}"에 이미 요금 계산 이력이 있어 방식을 바꿀 수 없습니다',

  // ---- catalog versions -----------------------------------------------------------------------
  '{label:noun} version not found': '{label} 버전을 찾을 수 없습니다',
  '"{value}" rules need the permission "{permission}"': '"{value}" 룰에는 "{permission}" 권한이 필요합니다',
  'this rule is (or was) a "{value}" rule, which needs the permission "{permission}"': '이 룰은 "{value}" 룰이거나 그런 적이 있어 "{permission}" 권한이 필요합니다',
  '{label:noun} "{code}" already exists; save a new draft of it instead': '이미 있는 {label} "{code}"입니다. 대신 새 초안으로 저장하세요',
  'must stay "{code}"; the code of a {kind:noun} cannot change': '"{code}" 그대로여야 합니다. {kind} 코드는 바꿀 수 없습니다',
  '{label:noun} "{code}" has no draft to publish': '{label} "{code}"에 게시할 초안이 없습니다',
  'must be on or after {date}, the effective date of the latest published version': '최근 게시 버전의 적용 시작일 {date} 이후여야 합니다',
  '{label:noun} "{code}" has no draft': '{label} "{code}"에 초안이 없습니다',
  'The only version of {kind:noun} "{code}" cannot be discarded; retire the {kind2:noun} instead': '{kind} "{code}"의 하나뿐인 버전은 삭제할 수 없습니다. 대신 {kind2}을(를) 판매 종료하세요',

  // ---- customers, payers, contracts -----------------------------------------------------------
  'must be 10 digits written XXX-XX-XXXXX': 'XXX-XX-XXXXX 형식의 숫자 10자리여야 합니다',
  'the check digit does not match (not a valid 사업자등록번호)': '검증 번호가 맞지 않습니다 (유효한 사업자등록번호가 아닙니다)',
  '사업자등록번호 applies to customers in KR; use taxId for other countries': '사업자등록번호는 KR 고객에만 해당합니다. 다른 국가는 taxId를 쓰세요',
  'is required for a corporate customer in KR (사업자등록번호)': 'KR 법인 고객은 필수입니다 (사업자등록번호)',
  'at most one contact can be primary': '대표 연락처는 하나만 지정할 수 있습니다',
  'must be after termStart': 'termStart보다 늦어야 합니다',
  'A contract with this code already exists': '같은 코드의 계약이 이미 있습니다',
  'no such customer': '없는 고객입니다',
  'no such payer': '없는 납부자입니다',
  'is required (the tenant currency does not imply a country)': '필수 항목입니다 (사업자 통화로 국가를 정할 수 없습니다)',
  'give either payer (to create one) or payerId, not both': 'payer(새로 등록)와 payerId 중 하나만 지정하세요',
  'A customer with this external id already exists': '같은 고객 ID의 고객이 이미 있습니다',
  'A payer with this external id already exists': '같은 외부 ID의 납부자가 이미 있습니다',
  'must be a phone number such as 02-1234-5678 or +82 10 1234 5678': '02-1234-5678, +82 10 1234 5678 같은 전화번호여야 합니다',
  'letters, digits and . _ - : @ / only': '영문, 숫자와 . _ - : @ / 만 쓸 수 있습니다',
  'must be an ISO 3166-1 alpha-2 code such as KR': 'KR 같은 ISO 3166-1 alpha-2 국가 코드여야 합니다',
  'attribute names are letters, digits and _ (they become facts customer.attributes.<name>)': '속성 이름에는 영문, 숫자, _만 쓸 수 있습니다 (조건 항목 customer.attributes.<name>이 됩니다)',
  'must be a non-negative decimal amount such as "1200000" or "99.50"': '"1200000", "99.50" 같은 0 이상의 금액이어야 합니다',
  'must not contain a card or account number; keep at most the last 4 digits': '카드 번호나 계좌 번호를 넣을 수 없습니다. 끝 4자리까지만 남기세요',
  'lowercase letters, digits, _ or -': '영문 소문자, 숫자, _, -만 쓸 수 있습니다',
  // CSV import
  'csv: expected the file as a string': 'csv: 파일 내용을 문자열로 보내야 합니다',
  'expected the file as a string': '파일 내용을 문자열로 보내야 합니다',
  'The file is larger than 20 MB; split it': '파일이 20 MB보다 큽니다. 나눠서 보내세요',
  'the file is empty; the first line must name the columns': '파일이 비어 있습니다. 첫 줄에는 열 이름이 있어야 합니다',
  'unknown column; use {columns} or attr.<name>': '알 수 없는 열입니다. {columns} 또는 attr.<name>을 쓰세요',
  'the column appears twice': '같은 열이 두 번 있습니다',
  'required column is missing': '필수 열이 없습니다',
  'has {count} fields; the header has {header}': '필드가 {count}개입니다. 머리글은 {header}개입니다',
  'repeats the external id of line {line}': '{line}행과 고객 ID가 중복됩니다',
  'no payer has this external id (or id)': '이 외부 ID(또는 ID)의 납부자가 없습니다',
  '{count} problem(s) in the file; nothing was imported': '파일에 문제가 {count}건 있어 아무것도 가져오지 않았습니다',
  'has more than {max} rows; import at most {max2} rows per file (split it)': '{max}행을 넘습니다. 한 파일에 최대 {max2}행까지 가져올 수 있으니 나눠서 보내세요',
  'rows changed after validation; the rows before them were imported': '검증 후 행의 데이터가 바뀌었습니다. 그 앞의 행은 이미 가져왔습니다',
  'a quote inside an unquoted field (quote the whole field and double the quote)': '따옴표로 감싸지 않은 필드 안에 따옴표가 있습니다 (필드 전체를 따옴표로 감싸고 안의 따옴표는 두 번 쓰세요)',
  'a quoted field is not closed': '따옴표로 시작한 필드가 닫히지 않았습니다',
  'text after a closing quote (a field must end at its closing quote)': '닫는 따옴표 뒤에 글자가 있습니다 (필드는 닫는 따옴표에서 끝나야 합니다)',

  // ---- invoices and mail ----------------------------------------------------------------------
  'Invoice is {status}; only a draft can be finalized': '청구서 상태가 {status}입니다. 초안(draft)만 청구 확정할 수 있습니다',
  'Invoice is {status}; only a void invoice can be billed again': '청구서 상태가 {status}입니다. 무효(void) 청구서만 다시 청구할 수 있습니다',
  'The invoice was not made by a bill run; start a bill run for its period instead': '요금 계산으로 만든 청구서가 아닙니다. 해당 기간의 요금 계산을 시작하세요',
  'This void invoice has already been billed again': '이 무효 청구서는 이미 다시 청구되었습니다',
  'must be an invoice id': '청구서 ID여야 합니다',
  'Invoice is {status}; {action} needs {from:alt}': '청구서 상태가 {status}입니다. {action} 작업은 {from} 상태에서만 할 수 있습니다',
  'Invoice {number} is {status} and cannot change; issue a credit note instead': '청구서 {number}은(는) {status} 상태라 변경할 수 없습니다. 대신 요금 조정을 발행하세요',
  'must be a date on or after the issue date {date}': '발행일 {date} 이후의 날짜여야 합니다',
  'Invoice is {status}; credit notes apply to issued invoices (edit or void a draft instead)': '청구서 상태가 {status}입니다. 요금 조정은 발행된 청구서에만 할 수 있습니다 (초안은 수정하거나 무효 처리하세요)',
  'must be a positive decimal string': '양의 소수 문자열이어야 합니다',
  'has more decimals than {currency} allows': '{currency} 통화에서 허용하는 소수 자릿수를 넘습니다',
  'has more decimals than {currency} allows ({decimals})': '{currency} 통화는 소수점 이하 {decimals}자리까지만 쓸 수 있습니다',
  'Invoice {number} has credit notes totalling {total} and cannot be voided; credit the rest with a credit note instead':
    '청구서 {number}에는 합계 {total}의 요금 조정이 있어 무효 처리할 수 없습니다. 나머지 금액도 요금 조정으로 처리하세요',
  'credits would total {total}, more than the invoice total {invoiceTotal}': '조정 합계가 {total}(으)로 청구서 합계 {invoiceTotal}보다 많아집니다',
  'A {status} invoice is not sent; finalize it first': '{status} 상태의 청구서는 발송하지 않습니다. 먼저 청구 확정하세요',
  'E-mail is not configured (SMTP_HOST and MAIL_FROM are unset); download the PDF instead': '이메일 발송이 설정되지 않았습니다 (SMTP_HOST, MAIL_FROM 미설정). 대신 PDF를 내려받으세요',
  'The payer has no e-mail address; pass "to"': '납부자에게 이메일 주소가 없습니다. "to"를 지정하세요',
  'The mail server did not accept the message: {error}': '메일 서버가 메시지를 받지 않았습니다: {error}',
  'SMTP_PORT must be a port number, got {value}': 'SMTP_PORT는 포트 번호여야 합니다 (현재 값: {value})',
  'MAIL_FROM must be set when SMTP_HOST is set': 'SMTP_HOST를 설정하면 MAIL_FROM도 설정해야 합니다',
  'BILLWISE_PDF_FONT points at {path}, which does not exist': 'BILLWISE_PDF_FONT에 지정한 파일이 없습니다: {path}',
  'BILLWISE_PDF_FONT_BOLD points at {path}, which does not exist': 'BILLWISE_PDF_FONT_BOLD에 지정한 파일이 없습니다: {path}',
  'The invoice PDF needs a Hangul font and {font} is missing: install the Debian package fonts-nanum (apt-get install fonts-nanum) or set BILLWISE_PDF_FONT to a TTF/OTF file':
    '청구서 PDF에 필요한 한글 글꼴이 없습니다: {font}. Debian 패키지 fonts-nanum을 설치하거나(apt-get install fonts-nanum) BILLWISE_PDF_FONT에 TTF/OTF 파일을 지정하세요',

  // ---- metering -------------------------------------------------------------------------------
  'The error is already {status}': '이미 {status} 상태인 오류입니다',
  'must be an array of events': '이벤트 배열이어야 합니다',
  'must hold at least one event': '이벤트가 하나 이상 있어야 합니다',
  'holds {count} events; send at most {max} per request': '이벤트가 {count}건입니다. 한 요청에 최대 {max}건까지 보낼 수 있습니다',
  'send {"events": [...]} for a batch': '여러 건은 {"events": [...]} 형식으로 보내세요',
  'A meter with this code already exists': '같은 코드의 미터가 이미 있습니다',
  'is required for {aggregation}': '{aggregation} 집계에는 필수입니다',
  'count counts events; it has no field': 'count는 이벤트 수를 세므로 field가 없습니다',
  'The meter has events; its aggregation and field can no longer change (create a new meter)': '이벤트가 있는 미터는 aggregation과 field를 바꿀 수 없습니다 (새 미터를 만드세요)',
  'the meter has events': '이벤트가 있는 미터입니다',
  'must be after from': 'from보다 늦어야 합니다',
  'give both from and to, or neither for the current month': 'from과 to를 함께 지정하세요. 이번 달이면 둘 다 비워 두세요',
  'a property name: letters, digits, _ . -': '속성 이름에는 영문, 숫자, _ . -만 쓸 수 있습니다',
  'lowercase letters, digits and _, 2-63 characters (it becomes the fact usage.<code>)': '영문 소문자, 숫자, _로 2~63자여야 합니다 (조건 항목 usage.<code>가 됩니다)',
  'must be a date YYYY-MM-DD (midnight in the tenant time zone) or an ISO 8601 instant': 'YYYY-MM-DD 날짜(사업자 시간대의 자정) 또는 ISO 8601 시각이어야 합니다',

  // ---- promotions -----------------------------------------------------------------------------
  'rule "{code}" is a {kind} rule, not a coupon': '룰 "{code}"의 유형은 {kind}입니다. 쿠폰 룰이어야 합니다',
  'Some codes already exist': '이미 있는 코드가 있습니다',
  '"{code}" already exists': '이미 있는 코드 "{code}"입니다',
  'letters, digits, _ or -': '영문, 숫자, _, -만 쓸 수 있습니다',
  'capital letters, digits or -': '영문 대문자, 숫자, -만 쓸 수 있습니다',
  'give either codes or count': 'codes와 count 중 하나만 지정하세요',

  // ---- plan eligibility (server/rating/eligibility.ts) ---------------------------------------
  'the customer is not eligible for plan "{code}": {conditions:list}': '고객이 "{code}" 상품의 가입 조건을 충족하지 않습니다: {conditions}',
  '{fact} {operator} {value} (is {actual})': '{fact} {operator} {value} (현재 값 {actual})',
  'a "not" condition matched': '"not" 조건이 충족되었습니다',
  'eligibility conditions not met': '조건 불충족',

  // ---- rule packs (CLI) -----------------------------------------------------------------------
  'not valid JSON: {error}': '올바른 JSON이 아닙니다: {error}',
  'plan {code} version {version} also in {file}': '상품 {code} 버전 {version}이(가) {file}에도 있습니다',
  'rule id {id} also in {file}': '룰 ID {id}이(가) {file}에도 있습니다',
  'neither a plan (components), a rule (kind) nor a pack (plans/rules)': '상품(components)도, 룰(kind)도, 팩(plans/rules)도 아닙니다',

  // ---- rating preview -------------------------------------------------------------------------
  'unknown field "{field}"': '알 수 없는 필드 "{field}"입니다',
  'must be after period.start (the end is exclusive)': 'period.start보다 늦어야 합니다 (종료일은 기간에 포함되지 않습니다)',
  'give exactly one of plan (a plan document) or planCode': 'plan(상품 문서)과 planCode 중 정확히 하나를 지정하세요',
  'must be after startDate (the end is exclusive)': 'startDate보다 늦어야 합니다 (종료일은 기간에 포함되지 않습니다)',
  'duplicate rule id "{id}" (also rules[{index}])': '중복된 룰 ID "{id}"입니다 (rules[{index}]에도 있음)',
  'no published plan "{code}"': '"{code}" 코드로 게시된 상품이 없습니다',
  'coupon code "{code}" is also the code of rule "{other}" ({name}): rules "{rule}" and "{other2}" cannot share a code':
    '쿠폰 코드 "{code}"는 룰 "{other}"({name})의 코드이기도 합니다: 룰 "{rule}"과 "{other2}"는 같은 코드를 쓸 수 없습니다',
  'coupon code "{code}" is also a generated code of rule "{other}": rules "{rule}" and "{other2}" cannot share a code':
    '쿠폰 코드 "{code}"는 룰 "{other}"의 생성 코드이기도 합니다: 룰 "{rule}"과 "{other2}"는 같은 코드를 쓸 수 없습니다',
  'generated code "{code}" of rule "{rule}" is the code of rule "{other}" ({name}): rules "{rule2}" and "{other2}" cannot share a code':
    '룰 "{rule}"의 생성 코드 "{code}"는 룰 "{other}"({name})의 코드입니다: 룰 "{rule2}"과 "{other2}"는 같은 코드를 쓸 수 없습니다',
  'Some codes are coupon rules\' own codes': '일부 코드가 쿠폰 룰 자체의 코드입니다',
  '"{code}" is the code of rule "{rule}" ({name})': '"{code}"는 룰 "{rule}"({name})의 코드입니다',
  'must be a valid 사업자등록번호 written XXX-XX-XXXXX': 'XXX-XX-XXXXX 형식의 올바른 사업자등록번호여야 합니다',
  'meter "{meter}" is inactive: its events are refused, so it would bill nothing': '미터 "{meter}"는 비활성 상태입니다: 이벤트가 거부되므로 청구되지 않습니다',
  'no meter "{meter}": create it under Meters first, or pick one of {list}': '미터 "{meter}"가 없습니다: 먼저 미터를 등록하거나 다음 중에서 선택하세요: {list}',
  'plan currency {planCurrency} differs from the invoice currency {currency}': '상품 통화({planCurrency})와 청구 통화({currency})가 다릅니다',

  // ---- plan and rule documents (server/rules/schema.ts) ---------------------------------------
  'must be a non-negative decimal string like "12.34" (money is never a JSON number)': '"12.34" 같은 0 이상의 10진수 문자열이어야 합니다 (금액은 JSON 숫자로 쓰지 않습니다)',
  'must be a non-negative number or decimal string': '0 이상의 숫자 또는 10진수 문자열이어야 합니다',
  'must be a percentage as a decimal string or number, e.g. "10"': '"10" 같은 백분율(10진수 문자열 또는 숫자)이어야 합니다',
  'must be a non-negative decimal string like "12.34" (money is never a JSON number), at most 15 digits before the point and 12 after':
    '"12.34" 같은 0 이상의 10진수 문자열이어야 합니다 (금액은 JSON 숫자로 쓰지 않습니다). 정수부는 최대 15자리, 소수부는 최대 12자리입니다',
  'must be a non-negative number or decimal string, at most 15 digits before the point and 12 after':
    '0 이상의 숫자 또는 10진수 문자열이어야 합니다. 정수부는 최대 15자리, 소수부는 최대 12자리입니다',
  'must be a percentage as a decimal string or number, e.g. "10", at most 15 digits before the point and 12 after':
    '"10" 같은 백분율(10진수 문자열 또는 숫자)이어야 합니다. 정수부는 최대 15자리, 소수부는 최대 12자리입니다',
  'must be an ISO 4217 code like "USD"': '"USD" 같은 ISO 4217 통화 코드여야 합니다',
  'must be 1-100 letters, digits, "_", "-" or "." starting with a letter or digit': '영문 또는 숫자로 시작하는 영문, 숫자, "_", "-", "." 1~100자여야 합니다',
  'event.type must equal kind "{kind}"': 'event.type은 kind와 같은 값이어야 합니다 ("{kind}")',
  'has an invalid value': '올바르지 않은 값입니다',
  'must name a fact': '조건 항목(fact)을 지정해야 합니다',
  'unknown fact "{fact}"': '알 수 없는 조건 항목 "{fact}"입니다',
  'fact "{fact}" is only available to {scope} rules': '"{fact}" 항목은 {scope} 룰에서만 쓸 수 있습니다',
  '"path" (JSONPath) is not allowed; use a flat fact name': '"path"(JSONPath)는 쓸 수 없습니다. 항목 이름을 그대로 쓰세요',
  'fact "{other}" ({otherType}) cannot be compared with "{fact}" ({type}) by {op}': '"{other}" 항목({otherType})은 {op} 연산자로 "{fact}" 항목({type})과 비교할 수 없습니다',
  '"{value}" is not one of {allowed}': '허용되지 않는 값 "{value}"입니다. {allowed} 중 하나여야 합니다',
  '{op} needs an array value': '{op} 연산자에는 배열 값이 필요합니다',
  'must be a string, number, boolean or null': '문자열, 숫자, 불리언 또는 null이어야 합니다',
  'must be {type:phrase}': '{type}(이)어야 합니다',
  'must be {type:phrase} or null': '{type} 또는 null이어야 합니다',
  'a string': '문자열',
  'a number': '숫자',
  'a number (conditions compare money facts as numbers)': '숫자(조건에서는 금액 항목을 숫자로 비교합니다)',
  'a date string YYYY-MM-DD': 'YYYY-MM-DD 형식의 날짜 문자열',
  'true or false': 'true 또는 false 값',
  '{op} needs a single string or number value': '{op} 연산자에는 문자열이나 숫자 값 하나가 필요합니다',
  'must be a condition object': '조건 객체여야 합니다',
  'must be an integer ≥ 1': '1 이상의 정수여야 합니다',
  'use exactly one of all/any/not per node (found {found})': '한 노드에는 all/any/not 중 하나만 쓰세요 (현재: {found})',
  '"not" takes one condition, not an array': '"not"에는 배열이 아닌 조건 하나를 넣어야 합니다',
  '"{key}" must be an array': '"{key}" 값은 배열이어야 합니다',
  'the root must be "all", "any" or "not"': '최상위 조건은 "all", "any", "not" 중 하나여야 합니다',
  'shared condition references are not supported': '공유 조건 참조는 지원하지 않습니다',
  'unknown operator {op}; use one of {ops}': '알 수 없는 연산자 {op}입니다. {ops} 중 하나를 쓰세요',
  '"{op}" does not fit the array fact "{fact}"; use contains or doesNotContain': '"{op}" 연산자는 배열 항목 "{fact}"에 쓸 수 없습니다. contains 또는 doesNotContain을 쓰세요',
  '"{op}" needs an array fact; "{fact}" is {type}': '"{op}" 연산자에는 배열 항목이 필요합니다. "{fact}" 항목은 {type}입니다',
  '"{op}" does not fit the {type} fact "{fact}"': '"{op}" 연산자는 {type} 항목 "{fact}"에 쓸 수 없습니다',
  'the last tier must have upTo: null': '마지막 구간은 upTo: null이어야 합니다',
  'only the last tier may have upTo: null': 'upTo: null은 마지막 구간에만 쓸 수 있습니다',
  "upTo must be greater than the previous tier's ({prev})": 'upTo는 이전 구간의 값({prev})보다 커야 합니다',
  'must be a plan object': '상품 객체여야 합니다',
  'duplicate component code "{code}" (also components[{index}])': '중복된 요금 항목 코드 "{code}"입니다 (components[{index}]에도 있음)',
  'the percentage model prices usage components only': '비율(percentage) 방식은 사용량(usage) 요금 항목에만 쓸 수 있습니다',
  'must be a rule object': '룰 객체여야 합니다',
  'must not be before validFrom': 'validFrom 이전일 수 없습니다',
  'give exactly one of {keys:alt}': '{keys} 중 정확히 하나를 지정하세요',
  'give exactly one of meter or quantityKey': 'meter와 quantityKey 중 정확히 하나를 지정하세요',
  'target, maxAmount and cycles belong to discount promotions, not to an effect': 'target, maxAmount, cycles는 할인 프로모션에 쓰는 값이며 effect와 함께 쓸 수 없습니다',

  // ---- subscriptions and orders ---------------------------------------------------------------
  'No published plan "{code}" is in effect on {date}': '"{code}" 상품 중 {date}에 적용되는 게시 버전이 없습니다',
  'no published plan "{code}" in effect on {date}': '"{code}" 상품 중 {date}에 적용되는 게시 버전이 없습니다',
  'Unknown customer': '알 수 없는 고객입니다',
  'no such customer in this tenant': '이 사업자에 없는 고객입니다',
  'plan "{code}" requires plan "{required}" (in this order or already subscribed)': '"{code}" 상품에는 "{required}" 상품이 필요합니다 (이 오더에 포함하거나 이미 가입되어 있어야 합니다)',
  'plan "{code}" cannot be combined with plan "{other}"': '"{code}" 상품은 "{other}" 상품과 함께 가입할 수 없습니다',
  'an add-on needs a base plan in the order or an existing subscription': '부가상품은 이 오더나 기존 서비스에 기본상품이 있어야 합니다',
  'An order cannot go from {from} to {to}': '오더를 {from} 상태에서 {to} 상태로 바꿀 수 없습니다',
  'allowed from {from}: {allowed:opt}': '{from} 상태에서 가능한 상태: {allowed}',
  'is required to complete an order (과금 개시일)': '오더를 완료하려면 필수입니다 (과금 개시일)',
  'must differ from planCode': 'planCode와 달라야 합니다',
  'This relation already exists': '이미 있는 상품 관계입니다',
  'must be a non-negative decimal': '0 이상의 10진수여야 합니다',
  'must be on or after the subscription start {date}': '서비스 시작일 {date} 이후여야 합니다',
  'The period starting {date} is already billed; changes can take effect from its end. Issue a credit note to correct it.':
    '{date}에 시작하는 기간은 이미 청구되었습니다. 변경은 그 기간이 끝난 뒤부터 적용할 수 있습니다. 바로잡으려면 요금 조정을 발행하세요.',
  'inside an already billed period': '이미 청구된 기간에 속합니다',
  'The subscription is cancelled': '해지된 서비스입니다',
  'The subscription is paused; resume it first': '일시 정지된 서비스입니다. 먼저 재개하세요',
  'is in {currency}; the subscription bills in {subscriptionCurrency}': '{currency} 상품입니다. 이 서비스는 {subscriptionCurrency} 통화로 청구합니다',
  'is already the plan of the subscription': '이미 이 서비스의 상품입니다',
  'Only a paused subscription can be resumed': '일시 정지된 서비스만 재개할 수 있습니다',
  'must be on or after the pause date {date}': '일시 정지일 {date} 이후여야 합니다',

};
