import { Type } from 'typebox';
import { etagOf, parseIfMatch } from '../http/etag.js';
import { json, problems, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { principalOf } from '../plugins/auth.js';
import { CALENDAR_YEAR_EXAMPLE, CALENDAR_YEAR_EXAMPLES, CalendarListSchema, CalendarYearParams, CalendarYearSchema, PutCalendarYearBody } from './calendar.schemas.js';
import type { CalendarService } from './calendar.service.js';

const ETAG = { type: 'string', description: '该年日历的版本，作 If-Match 使用，如 "2" / The year’s version, for If-Match, e.g. "2"' } as const;

export async function calendarRoutes(app: App, { calendar }: { calendar: CalendarService }) {
  app.get(
    '/calendar',
    {
      schema: {
        operationId: 'listCalendarYears',
        tags: ['calendar'],
        summary: '工作日历 / The working-day calendar',
        description:
          '已设置的每一年：法定节假日与调休上班日（北京时间）。工作日为周一至周五（节假日除外）及调休上班的周六、周日；未设置的年份只按周末计算。所有登录用户可查看。\n' +
          'Every year set: its public holidays and adjusted working days (Asia/Shanghai). A working day is Monday to Friday unless a holiday, or a Saturday ' +
          'or Sunday listed as worked; a year not set counts weekends only. Readable by every authenticated user.',
        response: {
          200: json(ref(CalendarListSchema), '工作日历 / The calendar', { one: { summary: '2024 年 / The year 2024', value: { items: [CALENDAR_YEAR_EXAMPLE] } } }),
        },
      },
    },
    async () => calendar.list(),
  );

  app.get(
    '/calendar/:year',
    {
      schema: {
        operationId: 'getCalendarYear',
        tags: ['calendar'],
        summary: '一年的工作日历 / One year of the calendar',
        description:
          '该年的节假日与调休上班日，ETag 为其版本。尚未设置时 404（code `calendar_year_not_set`：该年只按周末计算）。\n' +
          'The year’s holidays and adjusted working days, its version as the ETag. 404 (code `calendar_year_not_set`) when the year is not set: it counts weekends only.',
        params: CalendarYearParams,
        response: { 200: json(ref(CalendarYearSchema), '该年日历 / The year', CALENDAR_YEAR_EXAMPLES, { ETag: ETAG }), ...problems(400, 'not-found') },
      },
    },
    async (request, reply) => {
      const year = calendar.get(request.params.year);
      return reply.header('ETag', etagOf(year.version)).send(year);
    },
  );

  app.put(
    '/calendar/:year',
    {
      config: { roles: ['admin', 'org_dept'] },
      schema: {
        operationId: 'putCalendarYear',
        tags: ['calendar'],
        summary: '设置一年的工作日历 / Set one year of the calendar',
        description: [
          '以完整清单替换该年的法定节假日与调休上班日（按国务院办公厅当年的节假日安排），记一条 SET_CALENDAR 日志（完整清单、增删的日期与原因）。',
          '每个日期须为该年内的有效日期、不重复；调休上班日须为周六或周日，且不能同时是节假日；否则 422，`field` 指出清单与位置（如 `workdays[1]`），`date` 为该日期。',
          '新设置 201，修改 200；内容不变时不写日志。If-Match（该年的 ETag；尚未设置时为 "0"）使设置有条件（412）。组织部或管理员。',
          '',
          'Replaces the year’s public holidays and adjusted working days with the full lists (as the State Council’s notice for the year has them), logged',
          'as SET_CALENDAR with both lists, the dates added and removed, and the reason. Every date must be a real date of that year, listed once; an adjusted',
          'working day must be a Saturday or Sunday and not also a holiday: 422 otherwise, `field` naming the list and position (e.g. `workdays[1]`) and',
          '`date` the date. 201 when the year is new, 200 when changed; nothing is written when nothing changes. If-Match (the year’s ETag; "0" before it',
          'is set) makes it conditional (412). For org_dept and the admin.',
        ].join('\n'),
        params: CalendarYearParams,
        headers: Type.Object({
          'if-match': Type.Optional(Type.String({ description: '该年的 ETag，如 "1" / The year’s ETag, e.g. "1"', examples: ['"1"'] })),
        }),
        body: PutCalendarYearBody,
        response: {
          200: json(ref(CalendarYearSchema), '修改后的该年日历 / The year, changed', CALENDAR_YEAR_EXAMPLES, { ETag: ETAG }),
          201: json(ref(CalendarYearSchema), '新设置的该年日历 / The year, newly set', CALENDAR_YEAR_EXAMPLES, { ETag: ETAG }),
          ...problems('precondition-failed', 'unprocessable'),
        },
      },
    },
    async (request, reply) => {
      const { created, year } = await calendar.put(
        { actor: principalOf(request), requestId: request.id },
        request.params.year,
        request.body,
        parseIfMatch(request.headers['if-match']),
      );
      return reply
        .code(created ? 201 : 200)
        .header('ETag', etagOf(year.version))
        .send(year);
    },
  );
}
