// A dashboard file is JSON, so its enum fields hold the enums' string values ("absolute", not
// ThresholdsMode.Absolute). Loose<T> turns each string enum of T into the union of its values and keeps
// everything else as strict as @grafana/schema has it: required fields, known keys only, types.
export type Loose<T> = T extends string
  ? string extends T ? string : `${T}`
  : T extends readonly (infer U)[] ? Loose<U>[]
  : T extends object ? { [K in keyof T]: Loose<T[K]> }
  : T;
