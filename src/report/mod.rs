//! Reports: findings plus what was learned about the cluster, and their versioned output schema.
