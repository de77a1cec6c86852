// A module's messages in the three languages. The type makes bo and en carry exactly the keys of zh-Hans,
// so each module can keep its own catalogue file (one writer per file) and still be checked like the base.
export type ModuleMessages<K extends string> = {
  'zh-Hans': Record<K, string>;
  bo: Record<K, string>;
  en: Record<K, string>;
};

export const defineMessages = <K extends string>(messages: ModuleMessages<K>): ModuleMessages<K> => messages;
