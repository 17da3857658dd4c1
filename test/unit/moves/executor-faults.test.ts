// @vitest-environment node
import { describe } from 'vitest';
import { faultRun } from './fault-run';

describe('executor vs emulator under faults, roomy vault', () => {
  faultRun(8001, Number(process.env.VR_FAULT_SEQUENCES ?? 100), 'roomy');
});
