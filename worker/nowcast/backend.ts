import { getModel, type NowcastResult, type RadarFrame } from "../../nowcast/src/index";

/** What every inference backend takes: past frames (oldest first) of one crop, leads and model name. */
export interface InferenceInput {
  past: RadarFrame[];
  leads: number;
  model: string;
}

/** A place nowcasts are computed: the Worker itself, or (later) an inference container. */
export interface InferenceBackend {
  readonly name: string;
  nowcast(input: InferenceInput): Promise<NowcastResult>;
}

/** The embedded default: the nowcast engine running inside the Worker. */
export const embeddedBackend: InferenceBackend = {
  name: "embedded",
  async nowcast({ past, leads, model }) {
    return getModel(model).forecast(past, leads);
  },
};
