// @vitest-environment node
import { describe } from 'vitest';
import { faultRun } from './fault-run';

describe('executor vs emulator under faults, full vault', () => {
  faultRun(8002, Number(process.env.VR_FAULT_SEQUENCES ?? 100), 'full');
});
