// Unit specs sit beside their code; e2e specs under test/ talk HTTP to the real apps.
const moduleNameMapper = {
  '^@app/auth-guard$': '<rootDir>/libs/auth-guard/src',
  '^@app/auth-guard/testing$': '<rootDir>/libs/auth-guard/src/testing',
  '^@app/auth-guard/node$': '<rootDir>/libs/auth-guard/src/node',
  '^@app/contract$': '<rootDir>/libs/contract/src',
  '^@app/platform$': '<rootDir>/libs/platform/src',
  // Nest-free files of the platform lib, for code that must load without Nest (the guard's plain-Node entry).
  '^@app/platform/(.*)$': '<rootDir>/libs/platform/src/$1',
  '^@app/service-kit$': '<rootDir>/libs/service-kit/src',
  '^@app/hs256-tokens$': '<rootDir>/libs/hs256-tokens/src',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', {}],
  // jose 6, openid-client 6 and oauth4webapi 3 ship ESM only; Node 20.19 loads them natively, Jest needs
  // them transpiled to CommonJS (the interop tests drive the real client libraries in-process).
  '^.+/node_modules/(jose|openid-client|oauth4webapi)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
};
const transformIgnorePatterns = ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'];
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  transform,
  transformIgnorePatterns,
  testEnvironment: 'node',
};

module.exports = {
  // A global option (Jest ignores it inside a project): e2e suites start real apps, which a loaded 2-core machine can make slow.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
