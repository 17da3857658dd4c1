import { describe, expect, it } from 'vitest';
import { WorkerError } from '@/lib/messaging/messages';
import { userMessage } from '@/lib/messaging/user-message';

/** Regression: stores that pass a worker refusal through userMessage() showed the generic sentence, not the worker's. */
describe('userMessage keeps the worker sentence', () => {
  it('a WorkerError keeps the sentence the worker answered', () => {
    const sentence = 'There was no room where Long Shadow was going; Long Shadow is still on your Hunter.';
    expect(userMessage(new WorkerError(sentence))).toBe(sentence);
  });

  it('an unknown error still gets a sentence without a code', () => {
    expect(userMessage(new Error('ECONNRESET 1642'))).not.toMatch(/1642|ECONNRESET/);
  });
});
