import { and, eq, like } from 'drizzle-orm';
import { customers, meters, usageEvents } from '../server/db/schema';
import type { Ctx } from '../server/lib/context';
import { withCheckDigit } from '../server/customers/brn';
import { createCustomer } from '../server/customers/customers';
import { createPayer } from '../server/customers/payers';
import { createContract } from '../server/customers/contracts';
import { createMeter } from '../server/metering/meters';
import { ingestEvents } from '../server/metering/ingest';
import { rollupRange } from '../server/metering/rollup';
import { tenantZone } from '../server/metering/usage';
import { monthContaining, startOfDayInZone } from '../server/metering/period';
import { addDays, todayInZone } from '../server/lib/dates';
import type { CustomerCreate } from '../server/customers/schemas';

/** mulberry32: a tiny seeded PRNG, so the demo data is the same on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEMO_METERS = [
  { code: 'api_calls', name: 'API 호출 수 (API calls)', aggregation: 'count' as const, unit: 'calls' },
  { code: 'search_calls', name: '검색 호출 수 (Search calls)', aggregation: 'count' as const, unit: 'calls' },
  { code: 'storage_gb', name: '스토리지 최대 사용량 (Peak storage)', aggregation: 'max' as const, field: 'gb', unit: 'GB' },
  { code: 'active_users', name: '활성 사용자 수 (Active users)', aggregation: 'unique_count' as const, field: 'userId', unit: 'users' },
];

const CORPORATES = ['한빛소프트웨어', '푸른바다물산', '대한클라우드', '새봄유통', '미래에듀테크', '코리아핀테크', '동해해운', '서울데이터랩',
  '가람건설', '하늘여행', '누리헬스케어', '별빛엔터테인먼트', '초록에너지', '바른회계법인'];
const INDIVIDUALS = ['김민준', '이서연', '박지훈', '최수아', '정예준', '강하은', '조도윤', '윤지우', '장서준', '임채원', '한지민', '오세훈', '신유나', '배현우'];
const PUBLICS = ['서울특별시 교육청', '국립중앙도서관', '부산광역시청', '한국지능정보원', '대전광역시 보건소'];
const FOREIGNERS: [string, string, string, string][] = [
  ['John Smith', 'US', 'America/New_York', 'USD'], ['Tanaka Yui', 'JP', 'Asia/Tokyo', 'JPY'], ['Nguyen Van An', 'VN', 'Asia/Ho_Chi_Minh', 'VND'],
  ['Emma Müller', 'DE', 'Europe/Berlin', 'EUR'], ['Li Wei', 'CN', 'Asia/Shanghai', 'CNY'],
];
const SEGMENTS = ['smb', 'enterprise', 'startup'];

/**
 * ~40 Korean demo customers of every type with payers (some paying for several customers) and
 * contracts, SecureNet (SCN) and GrowingSalon (GRS) from seed 003 billed in USD, and the four
 * demo meters. Idempotent: skipped when SCN already exists; meters are added when missing.
 */
export async function seedCustomers(ctx: Ctx): Promise<void> {
  const existingMeters = new Set((await ctx.db.select({ code: meters.code }).from(meters).where(eq(meters.tenantId, ctx.tenantId))).map((m) => m.code));
  for (const m of DEMO_METERS) if (!existingMeters.has(m.code)) await createMeter({ ctx, input: m });

  const [scn] = await ctx.db.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.externalId, 'SCN')));
  if (scn) return;
  const rnd = prng(20250501);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
  const brn = (kind: '81' | '86' | '01') => withCheckDigit(`${100 + Math.floor(rnd() * 800)}${kind}${digits(4)}`);
  const today = todayInZone('Asia/Seoul', ctx.now());

  const add = (input: CustomerCreate) => createCustomer({ ctx, input });

  // Seed 003: the two customers billed by hand today, in USD, each paying for itself.
  const secure = await add({
    externalId: 'SCN', type: 'corporate', name: '시큐어넷 (SecureNet)', email: 'billing@securenet.example', businessRegNo: brn('81'),
    currency: 'USD', segment: 'enterprise', tags: ['seed-003', 'aws'], attributes: { awsPayerAccount: '805041456915', serviceRange: '1000011-1000016' },
    contacts: [{ name: '시큐어넷 재무팀', email: 'finance@securenet.example', isPrimary: true }],
    payer: { externalId: 'P-SCN', name: '시큐어넷 (SecureNet)', email: 'billing@securenet.example', paymentMethodType: 'card', paymentMethodLabel: '법인카드 끝자리 4021' },
  });
  const growing = await add({
    externalId: 'GRS', type: 'corporate', name: '그로잉살롱 (GrowingSalon)', email: 'billing@growingsalon.example', businessRegNo: brn('81'),
    currency: 'USD', segment: 'startup', tags: ['seed-003'], attributes: { awsCreditUsd: 10, serviceRange: '1000017-1000022' },
    payer: { externalId: 'P-GRS', name: '그로잉살롱 (GrowingSalon)', email: 'billing@growingsalon.example', paymentMethodType: 'card', paymentMethodLabel: '법인카드 끝자리 7730' },
  });
  const contractFor = async (customerId: string, i: number, amount: string, note: string) => createContract({
    ctx, input: { customerId, code: `K-${today.slice(0, 4)}-${String(i).padStart(3, '0')}`, termStart: addDays(today, -200 - i * 7), termEnd: addDays(today, 165 + i * 11), commitmentAmount: amount, discountNote: note },
  });
  await contractFor(secure.id, 1, '3840', '연간 약정 (USD), AWS 4월분 49.99$ 차감');
  await contractFor(growing.id, 2, '960', '레몬 서버비 지원 10$까지 무료');

  // A group head office pays for its three branches: one payer, several customers.
  const groupPayer = await createPayer({ ctx, input: {
    externalId: 'P-HANBIT-HQ', name: '한빛그룹 본사 재무팀', email: 'ap@hanbit-group.example', paymentMethodType: 'bank_transfer',
    paymentMethodLabel: '신한은행 끝자리 8812', billingAddress: { line1: '서울특별시 중구 세종대로 110', city: '서울', postalCode: '04524', country: 'KR' },
  } });
  const eduPayer = await createPayer({ ctx, input: {
    externalId: 'P-EDU-OFFICE', name: '교육청 통합 납부', paymentMethodType: 'virtual_account', paymentMethodLabel: '가상계좌 (우리은행)',
  } });

  let contractNo = 3;
  for (const [i, name] of CORPORATES.entries()) {
    const sharedPayer = i < 3 ? groupPayer.id : undefined;
    const c = await add({
      externalId: `CORP-${String(i + 1).padStart(3, '0')}`, type: 'corporate', name: `(주)${name}`, email: `billing@corp${i + 1}.example`,
      phone: `02-${digits(3)}-${digits(4)}`, businessRegNo: brn('81'), segment: pick(SEGMENTS), tags: rnd() < 0.3 ? ['vip'] : [],
      attributes: { industry: pick(['saas', 'commerce', 'media', 'finance', 'public']), employees: 10 + Math.floor(rnd() * 900) },
      billingGroup: i % 2 ? 'cycle-15' : 'cycle-1', dunningExcluded: i === 5,
      ...(sharedPayer ? { payerId: sharedPayer } : {
        payer: { externalId: `P-CORP-${i + 1}`, name: `(주)${name} 재무팀`, paymentMethodType: pick(['card', 'bank_transfer', 'virtual_account'] as const) },
      }),
    });
    if (i % 2 === 0) await contractFor(c.id, contractNo++, String(1_200_000 * (1 + (i % 5))), i % 4 === 0 ? '연 약정 10% 할인' : '분기 약정');
  }
  for (const [i, name] of INDIVIDUALS.entries()) {
    await add({
      externalId: `IND-${String(i + 1).padStart(3, '0')}`, type: 'individual', name, email: `user${i + 1}@mail.example`,
      phone: `010-${digits(4)}-${digits(4)}`, segment: 'consumer', tags: i % 3 === 0 ? ['early-adopter'] : [],
      // A sole proprietor (개인사업자) has a 사업자등록번호 too.
      ...(i === 0 ? { businessRegNo: brn('01') } : {}),
      payer: { name, paymentMethodType: i % 4 === 3 ? 'prepaid' : 'card', paymentMethodLabel: i % 4 === 3 ? '선불 충전' : `개인카드 끝자리 ${digits(4)}` },
    });
  }
  for (const [i, name] of PUBLICS.entries()) {
    await add({
      externalId: `PUB-${String(i + 1).padStart(3, '0')}`, type: 'public', name, segment: 'public', tags: ['government'],
      businessRegNo: brn('83' as '81'), billingGroup: 'cycle-1', dunningExcluded: true,
      ...(i < 2 ? { payerId: eduPayer.id } : { payer: { name: `${name} 회계과`, paymentMethodType: 'bank_transfer' } }),
    });
  }
  for (const [i, [name, country, timezone, currency]] of FOREIGNERS.entries()) {
    await add({
      externalId: `FRN-${String(i + 1).padStart(3, '0')}`, type: 'foreigner', name, country, timezone, currency, segment: 'consumer',
      taxId: i % 2 ? null : `TAX-${digits(8)}`, email: `foreigner${i + 1}@mail.example`,
      payer: { name, paymentMethodType: 'card', paymentMethodLabel: `Visa ending ${digits(4)}` },
    });
  }
}

/**
 * Three months of usage for ~20 customers (a few thousand events), generated from a seeded PRNG
 * and sent through the ingest service in batches of 1000, then rolled up by day. Skipped when
 * seed events exist.
 */
export async function seedUsage(ctx: Ctx): Promise<void> {
  const [done] = await ctx.db.select({ id: usageEvents.eventId }).from(usageEvents)
    .where(and(eq(usageEvents.tenantId, ctx.tenantId), like(usageEvents.eventId, 'seed-%'))).limit(1);
  if (done) return;
  const tz = await tenantZone(ctx.db, ctx.tenantId);
  const rows = await ctx.db.select({ externalId: customers.externalId }).from(customers).where(eq(customers.tenantId, ctx.tenantId));
  const ext = new Set(rows.map((r) => r.externalId));
  const active = ['SCN', 'GRS', ...Array.from({ length: 12 }, (_, i) => `CORP-${String(i + 1).padStart(3, '0')}`),
    'IND-001', 'IND-002', 'IND-004', 'PUB-001', 'PUB-003', 'FRN-001'].filter((e) => ext.has(e));
  const rnd = prng(424242);
  const nowMs = ctx.now().getTime();
  const firstDay = `${monthContaining(new Date(monthContaining(ctx.now(), tz).from.getTime() - 40 * 86_400_000), tz).month}-01`;
  const lastDay = todayInZone(tz, ctx.now());
  const events: unknown[] = [];
  for (const [ci, customer] of active.entries()) {
    const scale = 1 + (ci % 4); // bigger customers send more
    let storage = 5 + rnd() * 20 * scale;
    for (let day = firstDay, d = 0; day <= lastDay; day = addDays(day, 1), d++) {
      const dayStart = startOfDayInZone(day, tz).getTime();
      const at = () => {
        const ms = dayStart + Math.floor(rnd() * 86_400_000);
        return ms <= nowMs ? new Date(ms).toISOString() : null;
      };
      const push = (meter: string, n: number, props: () => Record<string, unknown>) => {
        for (let k = 0; k < n; k++) {
          const ts = at();
          if (ts) events.push({ id: `seed-${customer}-${meter}-${day}-${k}`, customer, meter, timestamp: ts, properties: props() });
        }
      };
      push('api_calls', Math.floor(rnd() * (scale + 0.6)), () => ({ endpoint: pick(rnd, ['/v1/items', '/v1/orders', '/v1/users']), status: rnd() < 0.97 ? 200 : 500 }));
      if (rnd() < 0.35) push('search_calls', 1, () => ({ query: pick(rnd, ['보안', 'salon', '예약', 'points']) }));
      if (d % 7 === 0) { storage += rnd() * 3 * scale; push('storage_gb', 1, () => ({ gb: storage.toFixed(2) })); }
      if (rnd() < 0.25) push('active_users', 1, () => ({ userId: `${customer}-u${Math.floor(rnd() * 8 * scale)}` }));
    }
  }
  for (let i = 0; i < events.length; i += 1000) await ingestEvents({ ctx, events: events.slice(i, i + 1000) });
  await rollupRange({ ctx, from: firstDay, to: addDays(lastDay, 1) });
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}
