// Suites that talk to a database, spawn processes or drive a browser need more than jest's default
// 5 s per test. A project's own `testTimeout` is not applied by jest when it runs several projects,
// so the database and browser projects set it here (setupFilesAfterEnv).
import { jest } from '@jest/globals';

jest.setTimeout(60_000);
