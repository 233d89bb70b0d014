#include "ir/campaign.hpp"

namespace vigie::ir {
namespace {

template <typename Items, typename NameOf>
std::int32_t find_index(const Items& items, std::string_view name, NameOf name_of) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (name_of(items[i]) == name) return static_cast<std::int32_t>(i);
  }
  return -1;
}

}  // namespace

const char* comparison_text(BinaryOp op) {
  switch (op) {
    case BinaryOp::lt:
      return "<";
    case BinaryOp::le:
      return "<=";
    case BinaryOp::gt:
      return ">";
    case BinaryOp::ge:
      return ">=";
    case BinaryOp::eq:
      return "==";
    case BinaryOp::ne:
      return "!=";
    default:
      return nullptr;
  }
}

std::int32_t Campaign::field_index(std::string_view name) const {
  return find_index(fields, name, [](const Field& f) -> const std::string& { return f.name; });
}

std::int32_t Campaign::question_index(std::string_view id) const {
  return find_index(questions, id, [](const Question& q) -> const std::string& { return q.id; });
}

std::int32_t Campaign::disposition_index(std::string_view name) const {
  return find_index(dispositions, name,
                    [](const Disposition& d) -> const std::string& { return d.name; });
}

std::int32_t Campaign::route_index(std::string_view name) const {
  return find_index(routes, name, [](const Route& r) -> const std::string& { return r.name; });
}

std::int32_t Campaign::score_index(std::string_view name) const {
  return find_index(scores, name, [](const Score& s) -> const std::string& { return s.name; });
}

}  // namespace vigie::ir
