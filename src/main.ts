// Placeholder entry point, replaced by the serving code.
export {};
