export * from "./validation/Validators";
export * from "./validation/ValidationResult";
export * from "./validation/ValidationOptions";
export * from "./validation/ValidationIssue";
export * from "./validation/ValidationIssueSeverity";
export * from "./validation/ValidationIssueFilter";
export * from "./validation/ValidationIssueFilters";
