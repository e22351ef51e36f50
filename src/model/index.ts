/**
 * The pretrained English model (trained on the AnnoMI development split), on its own subpath so
 * that the core stays small for those who do not need it.
 * @module
 */
export {};
