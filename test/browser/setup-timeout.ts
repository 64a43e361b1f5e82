// Browser steps wait for real rendering and network round trips: allow each test a minute.
import { jest } from '@jest/globals';

jest.setTimeout(60_000);
