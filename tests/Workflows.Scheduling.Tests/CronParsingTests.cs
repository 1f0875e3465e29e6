using System;
using System.Linq;
using Workflows.Scheduling;
using Xunit;
using static Workflows.Scheduling.Tests.Zones;

namespace Workflows.Scheduling.Tests;

public class CronParsingTests
{
    [Theory]
    [InlineData("5 * * * *", "2025-01-01T00:05Z", "2025-01-01T01:05Z", "2025-01-01T02:05Z")]
    [InlineData("*/20 * * * *", "2025-01-01T00:20Z", "2025-01-01T00:40Z", "2025-01-01T01:00Z")]
    [InlineData("10-20/5 * * * *", "2025-01-01T00:10Z", "2025-01-01T00:15Z", "2025-01-01T00:20Z")]
    [InlineData("1,2,58 * * * *", "2025-01-01T00:01Z", "2025-01-01T00:02Z", "2025-01-01T00:58Z")]
    [InlineData("0 22-23,1 * * *", "2025-01-01T01:00Z", "2025-01-01T22:00Z", "2025-01-01T23:00Z")]
    [InlineData("0 0 1 */3 *", "2025-04-01T00:00Z", "2025-07-01T00:00Z", "2025-10-01T00:00Z")]
    [InlineData("0 0 1 jan,Jul *", "2025-07-01T00:00Z", "2026-01-01T00:00Z", "2026-07-01T00:00Z")]
    [InlineData("0 0 1 FEB-apr/2 *", "2025-02-01T00:00Z", "2025-04-01T00:00Z", "2026-02-01T00:00Z")]
    // 2025-01-01 is a Wednesday.
    [InlineData("0 9 * * MON-FRI", "2025-01-01T09:00Z", "2025-01-02T09:00Z", "2025-01-03T09:00Z")]
    [InlineData("0 0 * * 7", "2025-01-05T00:00Z", "2025-01-12T00:00Z", "2025-01-19T00:00Z")]
    [InlineData("0 0 * * 0", "2025-01-05T00:00Z", "2025-01-12T00:00Z", "2025-01-19T00:00Z")]
    [InlineData("0 0 * * sun", "2025-01-05T00:00Z", "2025-01-12T00:00Z", "2025-01-19T00:00Z")]
    [InlineData("0 0 * * 5-7", "2025-01-03T00:00Z", "2025-01-04T00:00Z", "2025-01-05T00:00Z")]
    [InlineData("0 0 * * */3", "2025-01-04T00:00Z", "2025-01-05T00:00Z", "2025-01-08T00:00Z")]
    [InlineData("0 0 * * 1-5/2", "2025-01-03T00:00Z", "2025-01-06T00:00Z", "2025-01-08T00:00Z")]
    [InlineData("  0\t12   * * *  ", "2025-01-01T12:00Z", "2025-01-02T12:00Z", "2025-01-03T12:00Z")]
    [InlineData("@hourly", "2025-01-01T01:00Z", "2025-01-01T02:00Z", "2025-01-01T03:00Z")]
    [InlineData("@daily", "2025-01-02T00:00Z", "2025-01-03T00:00Z", "2025-01-04T00:00Z")]
    [InlineData("@midnight", "2025-01-02T00:00Z", "2025-01-03T00:00Z", "2025-01-04T00:00Z")]
    [InlineData("@weekly", "2025-01-05T00:00Z", "2025-01-12T00:00Z", "2025-01-19T00:00Z")]
    [InlineData("@monthly", "2025-02-01T00:00Z", "2025-03-01T00:00Z", "2025-04-01T00:00Z")]
    [InlineData("@yearly", "2026-01-01T00:00Z", "2027-01-01T00:00Z", "2028-01-01T00:00Z")]
    [InlineData("@annually", "2026-01-01T00:00Z", "2027-01-01T00:00Z", "2028-01-01T00:00Z")]
    [InlineData("@DAILY", "2025-01-02T00:00Z", "2025-01-03T00:00Z", "2025-01-04T00:00Z")]
    public void Every_syntax_form_selects_its_times(string cron, params string[] expected)
    {
        var occurrences = CronExpression.Parse(cron).GetOccurrences(At("2025-01-01T00:00Z"), At("2100-01-01T00:00Z"), Utc).Take(3);

        Assert.Equal(expected.Select(At), occurrences);
    }

    [Theory]
    [InlineData("61 * * * *", 0, 2, "minute: 61 is out of range 0-59")]
    [InlineData(" 61 * * * *", 1, 2, "minute: 61 is out of range 0-59")]
    [InlineData("0 24 * * *", 2, 2, "hour: 24 is out of range 0-23")]
    [InlineData("0 0 0 * *", 4, 1, "day-of-month: 0 is out of range 1-31")]
    [InlineData("0 0 32 * *", 4, 2, "day-of-month: 32 is out of range 1-31")]
    [InlineData("0 0 * 13 *", 6, 2, "month: 13 is out of range 1-12")]
    [InlineData("0 0 * * 8", 8, 1, "day-of-week: 8 is out of range 0-7")]
    [InlineData("0 0 99999999999 * *", 4, 11, "day-of-month: 99999999999 is out of range 1-31")]
    [InlineData("0 1-30 * * *", 4, 2, "hour: 30 is out of range 0-23")]
    [InlineData("0 0 * * FUNDAY", 8, 6, "day-of-week: 'FUNDAY' is not a day name (SUN-SAT)")]
    [InlineData("0 0 * * MON-FUN", 12, 3, "day-of-week: 'FUN' is not a day name (SUN-SAT)")]
    [InlineData("0 0 * FOO *", 6, 3, "month: 'FOO' is not a month name (JAN-DEC)")]
    [InlineData("0 0 * * 1a", 8, 2, "day-of-week: '1a' is not a number or day name")]
    [InlineData("x * * * *", 0, 1, "minute: 'x' is not a number")]
    [InlineData("0 0 MON * *", 4, 3, "day-of-month: 'MON' is not a number")]
    [InlineData("*/0 * * * *", 2, 1, "minute: step 0 is out of range 1-59")]
    [InlineData("*/60 * * * *", 2, 2, "minute: step 60 is out of range 1-59")]
    [InlineData("0 */x * * *", 4, 1, "hour: step 'x' is not a number")]
    [InlineData("*/ * * * *", 1, 1, "minute: '/' must be followed by a step, as in */5")]
    [InlineData("5/15 * * * *", 0, 4, "minute: a step needs a range or '*' before '/': write 5-59/15 or */15, not '5/15'")]
    [InlineData("/5 * * * *", 0, 2, "minute: '/5' needs a value, range or '*' before '/'")]
    [InlineData("0 5-2 * * *", 2, 3, "hour: range 5-2 is reversed: the start must not be after the end")]
    [InlineData("0 0 * * FRI-SUN", 8, 7, "day-of-week: range FRI-SUN is reversed: the start must not be after the end (Sunday is also 7: write FRI-7)")]
    [InlineData("1,,2 * * * *", 0, 4, "minute: empty item in the list '1,,2'")]
    [InlineData("0 0 1, * *", 4, 2, "day-of-month: empty item in the list '1,'")]
    [InlineData("1- * * * *", 1, 1, "minute: a range needs a value on both sides of '-', as in 1-5")]
    [InlineData("0 -1 * * *", 2, 1, "hour: a range needs a value on both sides of '-', as in 1-5")]
    [InlineData("* * * *", 0, 7, "expected 5 fields (minute hour day-of-month month day-of-week) but found 4")]
    [InlineData("* * * * * 2025", 10, 4, "expected 5 fields (minute hour day-of-month month day-of-week) but found 6")]
    [InlineData("", 0, 0, "the cron expression is empty")]
    [InlineData("   ", 0, 3, "the cron expression is empty")]
    [InlineData("@fortnightly", 0, 12, "unknown macro '@fortnightly' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)")]
    [InlineData("@reboot", 0, 7, "@reboot is not a schedule: it has no time to occur at")]
    [InlineData("@daily 5", 7, 1, "@daily stands alone: nothing may follow it")]
    [InlineData("0 0 30 2 *", 4, 4, "never occurs: day-of-month '30' does not exist in month '2'")]
    [InlineData("0 0 31 APR,JUN,SEP,NOV *", 4, 18, "never occurs: day-of-month '31' does not exist in month 'APR,JUN,SEP,NOV'")]
    [InlineData("0 0 30-31 feb */2", 4, 9, "never occurs: day-of-month '30-31' does not exist in month 'feb'")]
    public void Errors_name_the_field_the_token_and_its_position(string cron, int start, int length, string message)
    {
        Assert.False(CronExpression.TryParse(cron, out CronExpression? expression, out CronError? error));

        Assert.Null(expression);
        Assert.Equal(new CronError(start, length, message), error);
    }

    [Fact]
    public void The_string_overload_gives_the_same_message()
    {
        Assert.False(CronExpression.TryParse("0 0 * * FUNDAY", out CronExpression? expression, out string? error));

        Assert.Null(expression);
        Assert.Equal("day-of-week: 'FUNDAY' is not a day name (SUN-SAT)", error);
    }

    [Fact]
    public void The_string_overload_succeeds_without_an_error()
    {
        Assert.True(CronExpression.TryParse("0 2 * * *", out CronExpression? expression, out string? error));

        Assert.NotNull(expression);
        Assert.Null(error);
    }

    [Fact]
    public void Parse_throws_a_format_exception_with_the_reason()
    {
        var exception = Assert.Throws<FormatException>(() => CronExpression.Parse("0 0 30 2 *"));

        Assert.Contains("never occurs", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 0 29 2 *")] // leap years only, but it occurs
    [InlineData("0 0 31 * *")]
    [InlineData("0 0 30 2 MON")] // both days restricted: any Monday in February
    [InlineData("0 0 31 4-5 *")]
    public void Rare_but_possible_days_are_accepted(string cron)
    {
        Assert.True(CronExpression.TryParse(cron, out CronExpression? expression, out CronError? error), error?.Message);
        Assert.NotNull(expression!.GetNextOccurrence(At("2025-01-01T00:00Z"), Utc));
    }

    [Theory]
    [InlineData("30 2 * * *", true)]
    [InlineData("0,30 1-3 * * MON", true)]
    [InlineData("@daily", true)]
    [InlineData("@hourly", false)]
    [InlineData("*/15 * * * *", false)]
    [InlineData("0 * * * *", false)]
    [InlineData("* 2 * * *", false)]
    [InlineData("0 */2 * * *", false)]
    public void Fixed_time_means_explicit_minute_and_hour(string cron, bool isFixed)
    {
        Assert.Equal(isFixed, CronExpression.Parse(cron).IsFixedTime);
    }

    [Theory]
    [InlineData("  0 2 * * *\t", "0 2 * * *")]
    [InlineData("@Daily", "@Daily")]
    public void Text_is_the_trimmed_expression(string cron, string text)
    {
        Assert.Equal(text, CronExpression.Parse(cron).Text);
        Assert.Equal(text, CronExpression.Parse(cron).ToString());
    }
}
