// Public API of the nowcast engine. Web-standard APIs only: runs in Workers, Node and browsers.
export type { CompositeReader, RadarFrame } from "./io/frame.js";
export { RadarFormatError, type RadarFormatProblem } from "./io/errors.js";
export { FMI_SOURCE, fmiReader, readFmiPgm } from "./io/fmi.js";
export { KNMI_CONVERSION, KNMI_SOURCE, knmiReader, readKnmiHdf5 } from "./io/knmi.js";
export { MCH_CONVERSION, MCH_SOURCE, mchReader, readMchGif } from "./io/mch.js";
export { ODIM_CONVERSIONS, OPERA_SOURCE, operaReader, readOdimComposite } from "./io/odim.js";
export { RADAR_SOURCES, type RadarSource, radarSource, readComposite, sourceOfBytes, sourceOfFileName } from "./io/sources.js";

export type { Georeference, Projection } from "./geo/georeference.js";
export type { Ellipsoid } from "./geo/ellipsoid.js";
export type { LambertAzimuthalEqualArea } from "./geo/lambertAzimuthalEqualArea.js";
export type { PolarStereographic } from "./geo/polarStereographic.js";
export type { SwissObliqueMercator } from "./geo/swissObliqueMercator.js";
export { projectionFromProj4 } from "./geo/proj4.js";
export { contains, latLonToPixel, pixelToLatLon, subGrid } from "./geo/georeference.js";

export { cropAround, cropWindow } from "./crop.js";
export { coarsenFrame, coarserGrid, coarseningFactor, fillFromCoarser } from "./coarsen.js";

export {
  dbzToRainDecibels,
  dbzToRainRate,
  dbzToRainRateArray,
  type DecibelTransform,
  DRY_DBZ,
  FMI_ZR,
  MARSHALL_PALMER,
  RAIN_DECIBELS,
  rainRateToDbz,
  rainRateToDbzArray,
  rainRateToFrameDbz,
  type ZRelation,
  zrForSource,
} from "./convert.js";

export { type MotionField, motionAt } from "./motion/field.js";
export { DEFAULT_MOTION_OPTIONS, estimateMotion, type MotionOptions } from "./motion/estimate.js";
export { DEFAULT_VARIATIONAL_OPTIONS, type VariationalOptions } from "./motion/variational.js";
export { extrapolate } from "./extrapolation/semiLagrangian.js";

export { DEFAULT_LEADS, HORIZON_MINUTES, leadsForHorizon, leadsOrHorizon, NowcastInputError, type NowcastModel, type NowcastResult } from "./models/model.js";
export { persistence } from "./models/persistence.js";
export {
  createOpticalFlowModel,
  DEFAULT_OPTICAL_FLOW_OPTIONS,
  opticalFlow,
  type OpticalFlowOptions,
} from "./models/opticalFlow.js";
export { createSprogModel, DEFAULT_SPROG_OPTIONS, sprog, type SprogOptions } from "./models/sprog.js";
export { getModel, MODEL_REGISTRY, modelsPlaced, NOWCAST_MODELS, type ModelPlacement, type RegisteredModel } from "./models/registry.js";
export { type BandpassFilter, gaussianBandpassFilter } from "./cascade/bandpass.js";
export { type Ar2, yuleWalkerAr2 } from "./timeseries/autoregression.js";
export { CdfMatcher } from "./postprocessing/probabilityMatching.js";
export { IncrementalMask } from "./postprocessing/incrementalMask.js";
export { type MotionPerturbationLaws, PYSTEPS_MOTION_PERTURBATION } from "./noise/motionPerturbation.js";
export {
  createEnsembleModel,
  DEFAULT_ENSEMBLE_OPTIONS,
  ensemble,
  ENSEMBLE_THRESHOLDS_MM_PER_HOUR,
  FITTED_MOTION_PERTURBATION,
  type EnsembleModel,
  type EnsembleNowcast,
  type EnsembleOptions,
  type EnsembleSummary,
  neighbourhoodProbabilities,
} from "./models/ensemble.js";
export {
  type AsyncNowcastModel,
  createLearnedModel,
  LEARNED_MODEL_FORMAT,
  type LearnedModel,
  LearnedModelError,
  type LearnedModelMetadata,
  parseLearnedModelMetadata,
  type TensorRunner,
} from "./models/learned.js";

export {
  type CategoricalScores,
  ContingencyAccumulator,
  VERIFICATION_THRESHOLDS_MM_PER_HOUR,
} from "./verification/contingency.js";
export { ErrorAccumulator } from "./verification/errors.js";
export { type LeadScores, NowcastVerifier } from "./verification/nowcastVerifier.js";
export { eligibleStarts, type EventScores, frameStepMinutes, scoreNowcasts, type ScoreOptions } from "./verification/scoreNowcasts.js";
export {
  BrierAccumulator,
  type ProbabilisticLeadScores,
  type ProbabilisticScores,
  ProbabilisticVerifier,
  type ReliabilityBin,
  worstReliabilityGap,
} from "./verification/probabilistic.js";
export { EnsembleAccumulator, type EnsembleScores } from "./verification/ensembleScores.js";
export { RocAccumulator, type RocScores } from "./verification/roc.js";
export { FssAccumulator } from "./verification/fss.js";
export { blockBootstrapInterval, type Interval } from "./verification/bootstrap.js";
export { type SkillLead, SkillSuite } from "./verification/skillSuite.js";
export {
  cropLattice,
  placesInCrop,
  PointProductAccumulator,
  type PointProductScores,
  sentenceOutcome,
  type SentenceOutcome,
} from "./verification/productVerification.js";
export { fssDiagramSvg, rankHistogramSvg, reliabilityDiagramSvg, rocDiagramSvg } from "./verification/diagrams.js";

export { neighbourhoodFraction, pointForecast, type PointForecast, type PointForecastOptions, rainEvents, type RainEvents } from "./point.js";
