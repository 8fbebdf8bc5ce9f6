// The city classifier: tells cities apart from a day's weather. Samples are the
// daily statistics (one per city and day with enough coverage); features are the
// day's mean temperature, its range (max - min), precipitation and mean wind,
// plus the season (sine/cosine of the day of year), standardized on each
// training set. The model is an RBF-kernel C-SVC solved by LIBSVM's SMO
// (worker/weather/svm.ts, which says why it is written here), with LIBSVM's
// defaults C = 1 and gamma = 1 / features: nothing is tuned to the data.
// Beside it, scored the same ways: one-vs-rest logistic regression (mljs
// ml-logistic-regression) and the majority-class baseline. Two scores each:
// stratified k-fold cross-validation over all samples, and a hold-out year
// (trained on the years before it, tested on it; 2015 for the vega-datasets
// history). A PCA (mljs ml-pca) of the standardized features gives the scatter plot.
import { drizzle } from "drizzle-orm/d1";
import { desc } from "drizzle-orm";
import LogisticRegression from "ml-logistic-regression";
import { Matrix } from "ml-matrix";
import { PCA } from "ml-pca";
import * as schema from "../db/schema";
import { weatherClassifierRuns } from "../db/schema";
import type { Db, Env } from "../env";
import { log } from "../logging";
import { trainSvm } from "./svm";
import { dailyStats, type DailyStat, type StatsFilter } from "./stats";
import { round } from "./units";

export const FEATURES = ["temperature_mean", "temperature_range", "precipitation", "wind_speed", "season_sin", "season_cos"] as const;
export const MODEL_NAME = "RBF SVM (C-SVC by SMO with second-order working sets, C = 1, gamma = 1/features)";
export const LOGISTIC_NAME = "logistic regression (ml-logistic-regression, one-vs-rest)";
export const BASELINE_NAME = "majority class";
const SVM_COST = 1;
// A hold-out year needs this many samples of every class, in it and in the years before it.
const MIN_HOLDOUT_SAMPLES_PER_CLASS = 100;
const FOLDS = 5;
const STEPS = 300;
const MIN_SAMPLES_PER_CLASS = 2 * FOLDS;
// A day counts as a sample when its observations cover at least half of it.
const MIN_COVERED_SECONDS = 43_200;
const MAX_PCA_POINTS = 1500;

export interface ModelScore {
  name: string;
  /** Cross-validated accuracy over all samples. */
  cvAccuracy: number;
  foldAccuracies: number[];
  /** Accuracy on the hold-out year, trained on the years before it; null without one. */
  holdoutAccuracy: number | null;
}

export interface ClassifierResult {
  id: string;
  trainedAt: string;
  model: string;
  /** The SVM, the logistic regression and the baseline, each scored by CV and on the hold-out year. */
  models: ModelScore[];
  holdout: { year: number; trainFrom: string; trainTo: string; trainSamples: number; testSamples: number; accuracy: number; baseline: number } | null;
  features: string[];
  classes: { city: string; name: string; samples: number }[];
  samples: number;
  folds: number;
  foldAccuracies: number[];
  accuracy: number;
  baseline: number;
  baselineCity: string;
  confusion: number[][];
  pca: { explainedVariance: number[]; points: { c: number; x: number; y: number; date: string }[] };
  range: { from: string; to: string };
}

export class NotEnoughDataError extends Error {}

function dayOfYear(date: string): number {
  const t = Date.parse(`${date}T00:00:00Z`);
  return (t - Date.UTC(Number(date.slice(0, 4)), 0, 1)) / 86_400_000;
}

export function featureRow(s: DailyStat): number[] | null {
  const { temperatureMean, temperatureMin, temperatureMax, precipitationSum, windSpeedMean } = s;
  if (temperatureMean === null || temperatureMin === null || temperatureMax === null || precipitationSum === null || windSpeedMean === null) return null;
  const angle = (2 * Math.PI * dayOfYear(s.date)) / 365.25;
  return [temperatureMean, temperatureMax - temperatureMin, precipitationSum, windSpeedMean, Math.sin(angle), Math.cos(angle)];
}

/** A small deterministic PRNG (mulberry32), so folds and scores are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stratified folds: each class's samples, shuffled, dealt round-robin into k folds. */
export function stratifiedFolds(labels: number[], k: number, seed = 42): number[] {
  const random = prng(seed);
  const fold = new Array<number>(labels.length).fill(0);
  const byClass = new Map<number, number[]>();
  labels.forEach((y, i) => byClass.set(y, [...(byClass.get(y) ?? []), i]));
  let offset = 0;
  for (const indices of byClass.values()) {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [indices[i], indices[j]] = [indices[j]!, indices[i]!];
    }
    indices.forEach((index, n) => (fold[index] = (n + offset) % k));
    offset += indices.length;
  }
  return fold;
}

function standardizer(rows: number[][]): (row: number[]) => number[] {
  const d = rows[0]!.length;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((v, j) => (mean[j]! += v / rows.length));
  for (const r of rows) r.forEach((v, j) => (sd[j]! += (v - mean[j]!) ** 2 / rows.length));
  const scale = sd.map((v) => Math.sqrt(v) || 1);
  return (row) => row.map((v, j) => (v - mean[j]!) / scale[j]!);
}

function withBias(rows: number[][]): Matrix {
  return new Matrix(rows.map((r) => [1, ...r]));
}

/** Trains on (x, y) and predicts the rows of `test`: one model of the comparison. */
type TrainPredict = (x: number[][], y: number[], test: number[][]) => number[];

function logisticRegression(x: number[][], y: number[], test: number[][]): number[] {
  const standardize = standardizer(x);
  // The library sums the gradient over samples; a step of 1/n makes it a mean-gradient step.
  const model = new LogisticRegression({ numSteps: STEPS, learningRate: 1 / x.length });
  model.train(withBias(x.map(standardize)), Matrix.columnVector(y));
  return model.predict(withBias(test.map(standardize)));
}

function rbfSvm(x: number[][], y: number[], test: number[][]): number[] {
  const standardize = standardizer(x);
  const svm = trainSvm(x.map(standardize), y, { cost: SVM_COST, gamma: 1 / x[0]!.length });
  return svm.predict(test.map(standardize));
}

function baselineModel(_x: number[][], y: number[], test: number[][]): number[] {
  const m = majority(y);
  return test.map(() => m);
}

const MODELS: { name: string; run: TrainPredict }[] = [
  { name: MODEL_NAME, run: rbfSvm },
  { name: LOGISTIC_NAME, run: logisticRegression },
  { name: BASELINE_NAME, run: baselineModel },
];

function crossValidate(run: TrainPredict, x: number[][], y: number[], fold: number[], classes: number) {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const foldAccuracies: number[] = [];
  let correct = 0;
  for (let k = 0; k < FOLDS; k++) {
    const train = y.map((_, i) => i).filter((i) => fold[i] !== k);
    const test = y.map((_, i) => i).filter((i) => fold[i] === k);
    const predicted = run(train.map((i) => x[i]!), train.map((i) => y[i]!), test.map((i) => x[i]!));
    let foldCorrect = 0;
    test.forEach((i, n) => {
      confusion[y[i]!]![predicted[n]!]! += 1;
      if (predicted[n] === y[i]) foldCorrect += 1;
    });
    correct += foldCorrect;
    foldAccuracies.push(round(foldCorrect / test.length, 4));
  }
  return { accuracy: round(correct / y.length, 4), foldAccuracies, confusion };
}

/** The latest year with enough samples of every class in it and before it; null when there is none. */
function holdoutYear(years: number[], y: number[], classes: number): number | null {
  const candidates = [...new Set(years)].sort((a, b) => b - a);
  for (const year of candidates) {
    const inYear = new Array<number>(classes).fill(0);
    const before = new Array<number>(classes).fill(0);
    years.forEach((yr, i) => {
      if (yr === year) inYear[y[i]!]! += 1;
      else if (yr < year) before[y[i]!]! += 1;
    });
    if (inYear.every((n) => n >= MIN_HOLDOUT_SAMPLES_PER_CLASS) && before.every((n) => n >= MIN_HOLDOUT_SAMPLES_PER_CLASS)) return year;
  }
  return null;
}

function majority(labels: number[]): number {
  const counts = new Map<number, number>();
  for (const y of labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

/** Cross-validates the classifier on the daily statistics and projects them with PCA. */
export async function evaluateClassifier(db: Db, filter: StatsFilter = {}, now = new Date()): Promise<ClassifierResult> {
  const days = (await dailyStats(db, filter)).filter((s) => s.coveredSeconds >= MIN_COVERED_SECONDS);
  const samples = days.flatMap((s) => {
    const f = featureRow(s);
    return f ? [{ stat: s, features: f }] : [];
  });
  const perCity = new Map<string, { name: string; count: number }>();
  for (const s of samples) perCity.set(s.stat.city, { name: s.stat.cityName, count: (perCity.get(s.stat.city)?.count ?? 0) + 1 });
  const classes = [...perCity.entries()]
    .filter(([, v]) => v.count >= MIN_SAMPLES_PER_CLASS)
    .map(([city, v]) => ({ city, name: v.name, samples: v.count }))
    .sort((a, b) => a.city.localeCompare(b.city));
  if (classes.length < 2) throw new NotEnoughDataError(`needs at least two cities with ${MIN_SAMPLES_PER_CLASS} or more sampled days`);
  const classIndex = new Map(classes.map((c, i) => [c.city, i]));
  const used = samples.filter((s) => classIndex.has(s.stat.city));
  const x = used.map((s) => s.features);
  const y = used.map((s) => classIndex.get(s.stat.city)!);

  const fold = stratifiedFolds(y, FOLDS);
  const years = used.map((s) => Number(s.stat.date.slice(0, 4)));
  const year = holdoutYear(years, y, classes.length);
  const trainIdx = year === null ? [] : years.flatMap((yr, i) => (yr < year ? [i] : []));
  const testIdx = year === null ? [] : years.flatMap((yr, i) => (yr === year ? [i] : []));
  const scored = MODELS.map((m) => {
    const cv = crossValidate(m.run, x, y, fold, classes.length);
    let holdoutAccuracy: number | null = null;
    if (year !== null) {
      const predicted = m.run(trainIdx.map((i) => x[i]!), trainIdx.map((i) => y[i]!), testIdx.map((i) => x[i]!));
      holdoutAccuracy = round(predicted.filter((p, n) => p === y[testIdx[n]!]).length / testIdx.length, 4);
    }
    return { name: m.name, cv, holdoutAccuracy };
  });
  const [svm, , baseline] = scored as [(typeof scored)[0], (typeof scored)[0], (typeof scored)[0]];
  const trainDates = trainIdx.map((i) => used[i]!.stat.date).sort();

  const standardize = standardizer(x);
  const pca = new PCA(x.map(standardize));
  const projected = pca.predict(x.map(standardize), { nComponents: 2 }).to2DArray();
  // Every k-th sample of each city (not of the whole list, which interleaves cities by date), so each keeps its share.
  const stride = Math.max(1, Math.ceil(used.length / MAX_PCA_POINTS));
  const seenPerClass = classes.map(() => 0);
  const points = used.flatMap((s, i) =>
    seenPerClass[y[i]!]!++ % stride === 0 ? [{ c: y[i]!, x: round(projected[i]![0]!, 3), y: round(projected[i]![1]!, 3), date: s.stat.date }] : [],
  );
  const dates = used.map((s) => s.stat.date).sort();
  return {
    id: crypto.randomUUID(),
    trainedAt: now.toISOString(),
    model: MODEL_NAME,
    models: scored.map((m) => ({ name: m.name, cvAccuracy: m.cv.accuracy, foldAccuracies: m.cv.foldAccuracies, holdoutAccuracy: m.holdoutAccuracy })),
    holdout:
      year === null
        ? null
        : {
            year,
            trainFrom: trainDates[0]!,
            trainTo: trainDates.at(-1)!,
            trainSamples: trainIdx.length,
            testSamples: testIdx.length,
            accuracy: svm.holdoutAccuracy!,
            baseline: baseline.holdoutAccuracy!,
          },
    features: [...FEATURES],
    classes,
    samples: used.length,
    folds: FOLDS,
    foldAccuracies: svm.cv.foldAccuracies,
    accuracy: svm.cv.accuracy,
    baseline: baseline.cv.accuracy,
    baselineCity: classes[majority(y)]!.city,
    confusion: svm.cv.confusion,
    pca: { explainedVariance: pca.getExplainedVariance().slice(0, 2).map((v) => round(v, 4)), points },
    range: { from: dates[0]!, to: dates.at(-1)! },
  };
}

/** Trains, evaluates and stores a run (the daily cron and the admin action). */
export async function trainClassifier(env: Env, now = new Date()): Promise<ClassifierResult> {
  const started = performance.now();
  const result = await evaluateClassifier(drizzle(env.DB, { schema }), {}, now);
  await storeClassifierRun(env, result, Math.round(performance.now() - started));
  return result;
}

/** Stores an evaluated run; the newest stored run is the one the API and the page show. */
export async function storeClassifierRun(env: Env, result: ClassifierResult, trainingMs: number): Promise<void> {
  await drizzle(env.DB, { schema }).insert(weatherClassifierRuns).values({
    id: result.id,
    trainedAt: new Date(result.trainedAt),
    model: result.model,
    samples: result.samples,
    folds: result.folds,
    accuracy: result.accuracy,
    baseline: result.baseline,
    result: result as unknown as Record<string, unknown>,
  });
  log("info", "weather classifier trained", {
    samples: result.samples,
    classes: result.classes.map((c) => c.city),
    accuracy: result.accuracy,
    baseline: result.baseline,
    ms: trainingMs,
  });
}

export async function latestClassifierRun(db: Db): Promise<ClassifierResult | null> {
  const run = await db.select().from(weatherClassifierRuns).orderBy(desc(weatherClassifierRuns.trainedAt)).limit(1).get();
  return run ? (run.result as unknown as ClassifierResult) : null;
}

/** Daily cron: retrain; too little data is logged, not an error. */
export async function retrainClassifierJob(scheduledAt: Date, env: Env): Promise<void> {
  try {
    await trainClassifier(env, scheduledAt);
  } catch (error) {
    if (error instanceof NotEnoughDataError) {
      log("warn", "weather classifier not trained", { reason: error.message });
      return;
    }
    throw error;
  }
}
