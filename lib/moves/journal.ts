/**
 * Where the move executor keeps its jobs and writes its status line: the interfaces it is given, and the worker's
 * Dexie implementations (lib/moves/service.ts wires them; tests may pass in-memory ones).
 */
import type { JournalRow, VaultRaiderDB } from '../db/schema';
import { MOVE_STATUS_KEY, type MoveStatus } from './status';

export type JobState = JournalRow['status'];

/** One job as the journal keeps it (`data` is the executor's own, see JournalData in executor.ts). */
export interface JobRow {
  id: number;
  createdAt: number;
  status: JobState;
  /** The account the job acts on (`${membershipType}:${membershipId}`). */
  account?: string;
  data: unknown;
}

/** The executor's journal: a worker restart resumes from it, undo reads it. */
export interface MoveJournal {
  /** Add a job; returns its id (ids grow: the oldest open job runs first). */
  add(row: Omit<JobRow, 'id'>): Promise<number>;
  get(id: number): Promise<JobRow | undefined>;
  /** Replace a job's state and data. */
  save(id: number, status: JobState, data: unknown): Promise<void>;
  /** The jobs in these states, oldest first. */
  list(states: readonly JobState[]): Promise<JobRow[]>;
  /** Mark every running job interrupted (a stopped worker cut it off); returns how many. */
  interruptRunning(): Promise<number>;
  /** Keep only the newest `keep` finished (done or failed) jobs. */
  prune(keep: number): Promise<void>;
}

/** Writes the one live status line the pages show. */
export interface StatusWriter {
  write(status: MoveStatus): Promise<void>;
}

function asJob(row: JournalRow): JobRow {
  return { ...row, id: row.id! };
}

/** The journal in Dexie's `journal` table. */
export function dexieJournal(db: () => VaultRaiderDB): MoveJournal {
  return {
    async add(row) {
      return (await db().journal.add(row)) as number;
    },
    async get(id) {
      const row = await db().journal.get(id);
      return row ? asJob(row) : undefined;
    },
    async save(id, status, data) {
      await db().journal.update(id, { status, data: structuredClone(data) });
    },
    async list(states) {
      return (
        await db()
          .journal.where('status')
          .anyOf([...states])
          .sortBy('id')
      ).map(asJob);
    },
    interruptRunning: () => db().journal.where('status').equals('running').modify({ status: 'interrupted' }),
    async prune(keep) {
      const finished = (await db().journal.where('status').anyOf('done', 'failed').primaryKeys()) as number[];
      if (finished.length <= keep) return;
      finished.sort((a, b) => a - b);
      await db().journal.bulkDelete(finished.slice(0, finished.length - keep));
    },
  };
}

/** The status line in Dexie's `meta` table (the pages follow it with a live query). */
export function dexieStatus(db: () => VaultRaiderDB): StatusWriter {
  return {
    async write(status) {
      await db().meta.put({ key: MOVE_STATUS_KEY, value: status });
    },
  };
}

/** In-memory journal and status line (tests, and anything that must not touch IndexedDB). */
export function memoryJournal(): MoveJournal & { rows: Map<number, JobRow> } {
  const rows = new Map<number, JobRow>();
  let next = 1;
  const sorted = () => [...rows.values()].sort((a, b) => a.id - b.id);
  return {
    rows,
    async add(row) {
      const id = next++;
      rows.set(id, structuredClone({ ...row, id }));
      return id;
    },
    async get(id) {
      const row = rows.get(id);
      return row && structuredClone(row);
    },
    async save(id, status, data) {
      const row = rows.get(id);
      if (row) rows.set(id, { ...row, status, data: structuredClone(data) });
    },
    async list(states) {
      return sorted()
        .filter((r) => states.includes(r.status))
        .map((r) => structuredClone(r));
    },
    async interruptRunning() {
      let n = 0;
      for (const row of rows.values()) {
        if (row.status === 'running') {
          row.status = 'interrupted';
          n++;
        }
      }
      return n;
    },
    async prune(keep) {
      const finished = sorted().filter((r) => r.status === 'done' || r.status === 'failed');
      for (const row of finished.slice(0, Math.max(0, finished.length - keep))) rows.delete(row.id);
    },
  };
}

export function memoryStatus(): StatusWriter & { lines: MoveStatus[] } {
  const lines: MoveStatus[] = [];
  return {
    lines,
    async write(status) {
      lines.push(structuredClone(status));
    },
  };
}
