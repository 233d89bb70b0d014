#pragma once
// Default behaviour of the `simulated` dialer, sized for the Paris heatwave
// campaign: with up to 4 attempts per cycle, about 68% of contacts end with
// a completed questionnaire, and completed calls last about 6 minutes.
// tests/plugins derives that rate from these tables, so a change here shows
// up there.

namespace vigie::plugins::simulated {

struct Weight {
  const char* name;
  double probability;
};

// What happens to one attempt. `answered` is split by kDefaultAnswered.
inline constexpr Weight kDefaultOutcomes[] = {
    {"answered", 0.52}, {"no_answer", 0.28}, {"busy", 0.06}, {"voicemail", 0.10}, {"failed", 0.04},
};

// How an answered call ends.
inline constexpr Weight kDefaultAnswered[] = {
    {"completed", 0.58}, {"partial", 0.10},      {"callback", 0.18},
    {"refused", 0.08},   {"wrong_number", 0.04}, {"deceased", 0.02},
};

// Seconds. A normal distribution is clamped to mean ± 3 sd (and at least
// 1 s), which keeps its mean.
struct DurationDefault {
  const char* disposition;
  bool normal;
  double first;   // mean (normal) or min (uniform)
  double second;  // sd (normal) or max (uniform)
};

// Talk time of answered calls, after the ring.
inline constexpr DurationDefault kDefaultTalk[] = {
    {"completed", true, 360, 90}, {"partial", true, 150, 60},     {"callback", true, 60, 20},
    {"refused", true, 45, 20},    {"wrong_number", true, 30, 10}, {"deceased", true, 120, 40},
};
// Talk time of an answered call whose disposition has no line above.
inline constexpr DurationDefault kDefaultOtherTalk = {"", true, 90, 30};

// Whole duration of calls nobody answered.
inline constexpr DurationDefault kDefaultUnanswered[] = {
    {"no_answer", false, 30, 45},
    {"busy", false, 3, 8},
    {"voicemail", false, 25, 45},
    {"failed", false, 1, 10},
};
inline constexpr DurationDefault kDefaultOtherUnanswered = {"", false, 5, 30};

// Ring time before an answered call is picked up.
inline constexpr DurationDefault kDefaultRing = {"", false, 5, 25};

// Delay between the end of a `callback` call and the time the person asked
// to be called back.
inline constexpr DurationDefault kDefaultCallbackDelay = {"", false, 3600, 21600};

// Probability that each option of a multi question is chosen, when the
// config gives none.
inline constexpr double kDefaultMultiProbability = 0.15;

}  // namespace vigie::plugins::simulated
