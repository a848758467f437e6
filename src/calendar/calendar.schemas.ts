/** Shapes of the working-day calendar: a year's holidays and adjusted working days (调休). */
import { Type, type Static } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { Id, Timestamp, ref, withExamples, type Example } from '../http/schemas.js';

/** YYYY-MM-DD; whether it is a real date of the year is the service's check (422 naming it). */
const DateText = (description: string, example: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', minLength: 10, maxLength: 10, description, examples: [example] });

const HOLIDAYS_2024 = ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07'];
const WORKDAYS_2024 = ['2024-09-29', '2024-10-12'];

export const CalendarYearParams = Type.Object(
  { year: Type.Integer({ minimum: 2000, maximum: 2100, description: '年份 / The year', examples: [2024] }) },
  { additionalProperties: false },
);

export const CalendarYearSchema = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2100, description: '年份 / The year', examples: [2024] }),
    holidays: Type.Array(DateText('法定节假日 / A public holiday', '2024-10-01'), {
      description: '该年的法定节假日（放假日），升序 / The year’s public holidays (days off), ascending',
      examples: [HOLIDAYS_2024],
    }),
    workdays: Type.Array(DateText('调休上班日 / An adjusted working day', '2024-09-29'), {
      description: '该年调休上班的周六、周日，升序 / The Saturdays and Sundays worked instead (调休), ascending',
      examples: [WORKDAYS_2024],
    }),
    version: Type.Integer({ minimum: 1, description: '版本，每次修改加一；作 If-Match 使用 / Version, one up with each change; for If-Match', examples: [1] }),
    updatedBy: Id('最近设置者 / Last set by', EXAMPLE.orgDeptId),
    updatedAt: Timestamp,
  },
  { $id: 'CalendarYear', additionalProperties: false, description: '一年的工作日历 / One year of the working-day calendar' },
);
export type CalendarYearView = Static<typeof CalendarYearSchema>;

export const CALENDAR_YEAR_EXAMPLE: CalendarYearView = {
  year: 2024,
  holidays: HOLIDAYS_2024,
  workdays: WORKDAYS_2024,
  version: 1,
  updatedBy: EXAMPLE.orgDeptId,
  updatedAt: '2023-12-20T02:00:00.000Z',
};

export const CALENDAR_YEAR_EXAMPLES: Record<string, Example<CalendarYearView>> = {
  nationalDay: { summary: '2024 年国庆节（节选）/ 2024, National Day only', value: CALENDAR_YEAR_EXAMPLE },
};

export const CalendarListSchema = Type.Object(
  {
    items: Type.Array(ref(CalendarYearSchema), { description: '已设置的年份，升序 / The years set, ascending' }),
  },
  {
    $id: 'CalendarList',
    additionalProperties: false,
    description: '工作日历（未设置的年份只按周末计）/ The working-day calendar (a year not set counts weekends only)',
  },
);

export const PutCalendarYearBody = withExamples(
  Type.Object(
    {
      holidays: Type.Array(DateText('法定节假日 / A public holiday', '2024-10-01'), {
        maxItems: 366,
        description: '该年全部法定节假日，每个日期都在该年内、不重复 / Every public holiday of the year, each inside the year, no duplicates',
      }),
      workdays: Type.Array(DateText('调休上班日 / An adjusted working day', '2024-09-29'), {
        maxItems: 106,
        description: '该年全部调休上班日，须为周六或周日，不能同时是节假日 / Every adjusted working day of the year: a Saturday or Sunday, never also a holiday',
      }),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: '原因，记入日志 / Why, kept in the log', examples: ['国务院办公厅 2024 年部分节假日安排'] })),
    },
    { additionalProperties: false },
  ),
  {
    nationalDay: {
      summary: '2024 年国庆节 / 2024, National Day',
      value: { holidays: HOLIDAYS_2024, workdays: WORKDAYS_2024, reason: '国务院办公厅关于2024年部分节假日安排的通知' },
    },
  },
);
export type PutCalendarYearInput = Static<typeof PutCalendarYearBody>;

export const CALENDAR_SCHEMAS = [CalendarYearSchema, CalendarListSchema];
