/**
 * GET /api/v1/metrics: how the service commits, for its operators and for the benchmark. Every
 * write runs in a group commit (./group-commit.ts); its counters say how many commits carried how
 * many steps since the process started, which is what decides the cost of durability per event.
 */
import { Type } from 'typebox';
import { json, problems } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import type { GroupCommitter } from './group-commit.js';

const Count = (description: string, example: number) => Type.Integer({ minimum: 0, description, examples: [example] });

const MetricsSchema = Type.Object(
  {
    startedAt: Type.String({
      format: 'date-time',
      minLength: 20,
      description: '进程启动时间（计数自此开始）/ When the process started; the counters count from then',
      examples: ['2026-12-03T08:00:00.000Z'],
    }),
    groupCommit: Type.Object(
      {
        commits: Count('提交次数 / Commits', 120),
        steps: Count('提交的写操作数 / Write steps committed (an event, a creation, …)', 4060),
        largestBatch: Count('单次提交的最多写操作数 / The most steps one commit carried', 100),
        pending: Count('等待下一次提交的写操作数 / Steps waiting for the next commit', 0),
        batches: Type.Array(
          Type.Object(
            { size: Count('每次提交的写操作数 / Steps per commit', 50), commits: Count('如此大小的提交次数 / Commits of that size', 40) },
            { additionalProperties: false },
          ),
          { description: '按大小统计的提交，升序 / Commits by their number of steps, smallest first' },
        ),
      },
      { additionalProperties: false, description: '成组提交：每次提交（一次 fsync）承载的写操作 / Group commit: the write steps each commit (one fsync) carried' },
    ),
  },
  { additionalProperties: false, description: '服务的提交计数 / The service’s commit counters' },
);

export async function metricsRoutes(app: App, { committer }: { committer: GroupCommitter }) {
  const { stats } = committer;
  app.get(
    '/metrics',
    {
      config: { roles: ['admin', 'auditor'] },
      schema: {
        operationId: 'metrics',
        tags: ['meta'],
        summary: '提交计数 / Commit counters',
        description:
          '自进程启动以来的成组提交计数：提交次数、写操作数、最大批次与按大小的分布。多实例（PostgreSQL）时每个实例各自计数。\n' +
          'Group-commit counters since the process started: commits, steps, the largest batch and commits by size. With several instances (PostgreSQL) each counts its own.',
        response: {
          200: json(MetricsSchema, '服务的提交计数 / The service’s commit counters', {
            running: {
              summary: '运行中的服务 / A running service',
              value: {
                startedAt: '2026-12-03T08:00:00.000Z',
                groupCommit: {
                  commits: 120,
                  steps: 4060,
                  largestBatch: 100,
                  pending: 0,
                  batches: [
                    { size: 1, commits: 60 },
                    { size: 50, commits: 40 },
                    { size: 100, commits: 20 },
                  ],
                },
              },
            },
          }),
          ...problems(401, 403),
        },
      },
    },
    async () => ({
      startedAt: committer.startedAt,
      groupCommit: {
        commits: stats.commits,
        steps: stats.steps,
        largestBatch: stats.largestBatch,
        pending: committer.pending,
        batches: [...stats.batches].sort(([a], [b]) => a - b).map(([size, commits]) => ({ size, commits })),
      },
    }),
  );
}
