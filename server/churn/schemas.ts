/** The churn API's request and response schemas (routes.ts); the model card's shape is checked at registration, so stored cards have it. */
import { z } from '@hono/zod-openapi';

export const Band = z.enum(['low', 'medium', 'high']);
export const Driver = z.object({ feature: z.string(), value: z.number().nullable(), contribution: z.number() });
export const ModelRef = z.object({ version: z.number().int(), bands: z.object({ medium: z.number(), high: z.number() }).optional() }).nullable();
export const AtRisk = z.object({
  model: ModelRef, asOf: z.string().nullable(), total: z.number().int(), summary: z.object({ low: z.number().int(), medium: z.number().int(), high: z.number().int() }),
  byCurrency: z.array(z.object({ currency: z.string(), customers: z.number().int(), mrr: z.string(), mrrAtRisk: z.string() }))
    .openapi({ description: 'Per currency over every matching score: customers, monthly run-rate and MRR at risk (Σ probability × run-rate)' }),
  segments: z.array(z.object({ segment: z.number().int().nullable(), segmentName: z.string().nullable(), customers: z.number().int(), avgProbability: z.number(), high: z.number().int() })),
  data: z.array(z.object({ customerId: z.string(), externalId: z.string(), name: z.string(), currency: z.string(), probability: z.number(), band: Band, drivers: z.array(Driver),
    segment: z.number().int().nullable(), segmentName: z.string().nullable(), asOf: z.string(), modelVersion: z.number().int(), mrr: z.string(), mrrAtRisk: z.string() })),
}).openapi('ChurnAtRisk');
export const CustomerChurn = z.object({
  model: ModelRef,
  score: z.object({ asOf: z.string(), probability: z.number(), band: Band, drivers: z.array(Driver), segment: z.number().int().nullable(), segmentName: z.string().nullable(),
    modelVersion: z.number().int(), scoredAt: z.string() }).nullable(),
  history: z.array(z.object({ asOf: z.string(), probability: z.number(), band: Band, modelVersion: z.number().int() })),
}).openapi('CustomerChurn');
export const Metrics = z.object({ rocAuc: z.number(), prAuc: z.number(), brier: z.number(), liftTopDecile: z.number(), rows: z.number().int(), positives: z.number().int() }).partial().passthrough();
export const Card = z.object({
  features: z.array(z.string().max(80)).min(1).max(500),
  algorithm: z.string().optional(), metrics: Metrics.optional(), baseline: z.object({ algorithm: z.string().optional(), metrics: Metrics.optional() }).passthrough().optional(),
  calibration: z.array(z.object({ predicted: z.number(), observed: z.number() }).passthrough()).optional(),
  importances: z.array(z.object({ feature: z.string(), importance: z.number() })).optional(),
  trainingData: z.object({ from: z.string().optional(), to: z.string().optional(), rows: z.number().optional(), positives: z.number().optional() }).passthrough().optional(),
  snapshots: z.record(z.string(), z.unknown()).optional(), drivers: z.string().optional(), codeVersion: z.string().optional(), trainedAt: z.string().optional(),
}).passthrough().openapi('ChurnModelCard', { description: 'The model card (notebooks/churn.ipynb): features in input order, metrics on the time-based holdout, the baseline, calibration bins, importances, and more' });
export const ModelOut = z.object({ id: z.string(), version: z.number().int(), active: z.boolean(), card: Card, bands: z.object({ medium: z.number(), high: z.number() }),
  note: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.string(), activatedAt: z.string().nullable() }).openapi('ChurnModel');
export const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');
export const ModelIn = z.object({
  onnx: base64.openapi({ description: 'The churn graph (ONNX, base64): input [N, features] float, output "probability" [N, 1]' }),
  segmentsOnnx: base64.nullable().optional().openapi({ description: 'The behaviour-segment graph (ONNX, base64): output "segment" [N]' }),
  trees: z.object({ init: z.number(), platt: z.object({ a: z.number(), b: z.number() }), trees: z.array(z.array(z.tuple([z.number().int(), z.number(), z.number().int(), z.number().int(), z.number()]))) }),
  card: Card,
  bands: z.object({ medium: z.number().gt(0).lt(1), high: z.number().gt(0).lt(1) }).optional(),
  note: z.string().max(500).optional(), activate: z.boolean().optional(),
}).openapi('ChurnModelUpload');
export type ChurnCard = z.infer<typeof Card>;
const Rate = z.number().nullable();
export const RealisedChurn = z.object({
  from: z.string(), to: z.string(),
  months: z.array(z.object({
    month: z.string().openapi({ example: '2026-10' }),
    complete: z.boolean().openapi({ description: 'false while the month is still running: churn so far' }),
    subscribers: z.number().int().openapi({ description: 'Subscribers on the first day of the month' }),
    scored: z.number().int().openapi({ description: 'Of them, those with a score dated in the 31 days up to the 1st (their latest)' }),
    churned: z.number().int().openapi({ description: 'Scored subscribers none of whose subscriptions runs on the first day of the next month' }),
    expected: z.number().openapi({ description: 'Σ predicted probability of the scored subscribers: the churners the scores expected' }),
    unscored: z.number().int(), unscoredChurned: z.number().int(),
    modelVersions: z.array(z.number().int()),
    bands: z.array(z.object({
      band: Band, customers: z.number().int(), churned: z.number().int(),
      precision: Rate.openapi({ description: 'churned ÷ customers in the band (its realised churn rate); null without customers' }),
      recall: Rate.openapi({ description: 'churned in the band ÷ all churned scored subscribers; null when none churned' }),
      avgProbability: Rate.openapi({ description: 'mean predicted probability in the band (calibration: compare with precision)' }),
    })),
  })),
}).openapi('ChurnRealised');
