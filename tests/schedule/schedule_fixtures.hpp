#pragma once
// Hand-built IR for the schedule tests: the checker is not involved, so each
// test states exactly the hours, calendar and retry policy it exercises.

#include <string>
#include <string_view>

#include "common/time.hpp"
#include "ir/campaign.hpp"

namespace vigie::test {

// The built-in dispositions in ir::BuiltinDisposition order, with the final
// flags the language gives them.
std::vector<ir::Disposition> builtin_dispositions();

// One day's intervals from text like "09:00-12:30, 14:00-19:00"; "closed"
// or "" gives a closed day. "24:00" is accepted as an end.
ir::DayHours day(std::string_view intervals);

// Hours with `weekdays` on Monday to Friday and `weekend` on Saturday and
// Sunday, and no holiday or single-date rule.
ir::Hours weekly_hours(std::string_view weekdays, std::string_view weekend);

// mon-fri 09:00-19:00, sat-sun 10:00-19:00, holiday 10:00-19:00.
ir::Hours paris_hours();

// The retry policy `attempts 4 within 48h`, no_answer 2h, busy 30m,
// voicemail 3h, failed 15m, partial 1h, wrong_number and refused stop,
// otherwise 2h.
ir::RetryPolicy standard_retry();

// A campaign in Europe/Paris with the built-in dispositions, the
// fr_metropole calendar, paris_hours() and `retry`.
ir::Campaign make_campaign(const ir::RetryPolicy& retry);

// A policy line `on NAME after DELAY` or `on NAME stop`.
void set_retry(ir::Campaign& campaign, std::string_view disposition, ir::RetryAction action);
ir::RetryAction after(common::Seconds delay);
ir::RetryAction stop();

// The zone named `name`; fails the test when the tz database lacks it.
const date::time_zone* zone(std::string_view name);

// The instant of the wall-clock time "YYYY-MM-DDTHH:MM[:SS]" in `zone`
// (earlier instant when ambiguous, end of the gap when nonexistent).
common::Instant local(const date::time_zone* zone, std::string_view text);

// `t` in `zone` as "YYYY-MM-DDTHH:MM:SS+HH:MM", for readable comparisons.
std::string local_text(common::Instant t, const date::time_zone* zone);

// A civil date from "YYYY-MM-DD".
common::Date civil(std::string_view text);

}  // namespace vigie::test
