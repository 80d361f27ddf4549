import { pgTable, uuid, text, timestamp, integer, jsonb, boolean, date, doublePrecision, customType, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from './tenants';
import { customers } from './customers';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });
const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Churn models per tenant (server/churn/README.md): the ONNX graph of the churn probability, the
 * optional ONNX graph of the behaviour segments, the trees (for per-customer drivers) and the
 * model card. Versions count up per tenant; at most one is active (a partial unique index).
 */
export const churnModels = pgTable('churn_models', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  version: integer('version').notNull(),
  active: boolean('active').notNull().default(false),
  onnx: bytea('onnx').notNull(),
  segmentsOnnx: bytea('segments_onnx'),
  trees: jsonb('trees').$type<{ init: number; platt: { a: number; b: number }; trees: Array<Array<[number, number, number, number, number]>> }>().notNull(),
  card: jsonb('card').$type<Record<string, unknown> & { features: string[] }>().notNull(),
  /** Risk bands: probability ≥ medium → medium, ≥ high → high. */
  bands: jsonb('bands').$type<{ medium: number; high: number }>().notNull().default({ medium: 0.2, high: 0.5 }),
  note: text('note'),
  createdBy: text('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  activatedAt: ts('activated_at'),
}, (t) => [
  uniqueIndex('churn_models_version_uq').on(t.tenantId, t.version),
  uniqueIndex('churn_models_active_uq').on(t.tenantId).where(sql`active`),
]);

/**
 * Scores as computed, kept with their model so trends can be drawn and any score traced to its model.
 * Derived rows without foreign keys: only the scorer writes them, for customers and a model it has
 * just read, and tenants, customers and models are never deleted; the three per-row key checks
 * took 2.1 s of a 3.9 s COPY of 100,000 scores (migration churn_scores_no_fk).
 */
export const churnScores = pgTable('churn_scores', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  modelId: uuid('model_id').notNull(),
  modelVersion: integer('model_version').notNull(),
  asOf: date('as_of').notNull(),
  probability: doublePrecision('probability').notNull(),
  band: text('band').$type<'low' | 'medium' | 'high'>().notNull(),
  drivers: jsonb('drivers').$type<Array<{ feature: string; value: number | null; contribution: number }>>().notNull(),
  segment: integer('segment'),
  segmentName: text('segment_name'),
  scoredAt: ts('scored_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('churn_scores_day_uq').on(t.tenantId, t.customerId, t.modelId, t.asOf),
  index('churn_scores_latest_idx').on(t.tenantId, t.customerId, t.scoredAt),
]);
