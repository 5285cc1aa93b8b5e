/** The in-memory tracer the specs of every lib record spans with; a top-level file so specs reach it as @app/platform/recording-tracer. */
export * from './observability/testing/recording-tracer';
