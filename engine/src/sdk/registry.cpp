#include <stdexcept>

#include "vigie/plugin.hpp"

namespace vigie {
namespace {

int position_of(const YAML::Node& node, int YAML::Mark::*member) {
  if (!node.IsDefined()) return 0;
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return 0;
  // yaml-cpp counts from 0; messages count from 1.
  return mark.*member + 1;
}

template <typename Factory>
void add_unique(std::map<std::string, Factory>& factories, const char* kind,
                const std::string& name, Factory factory) {
  if (name.empty()) throw std::invalid_argument(std::string("empty ") + kind + " plugin name");
  if (!factory)
    throw std::invalid_argument(std::string(kind) + " plugin '" + name + "' has no factory");
  const auto [it, inserted] = factories.emplace(name, std::move(factory));
  if (!inserted) {
    throw std::invalid_argument(std::string(kind) + " plugin '" + name +
                                "' is registered twice; each plugin name must be unique");
  }
}

template <typename Factory>
const Factory* find(const std::map<std::string, Factory>& factories, const std::string& name) {
  const auto it = factories.find(name);
  return it == factories.end() ? nullptr : &it->second;
}

template <typename Factory>
std::vector<std::string> keys(const std::map<std::string, Factory>& factories) {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories) names.push_back(name);
  return names;
}

}  // namespace

ConfigError::ConfigError(const YAML::Node& node, const std::string& message)
    : std::runtime_error(message),
      line_(position_of(node, &YAML::Mark::line)),
      column_(position_of(node, &YAML::Mark::column)) {}

ConfigError::ConfigError(int line, int column, const std::string& message)
    : std::runtime_error(message), line_(line), column_(column) {}

void Registry::add_source(const std::string& name, SourceFactory factory) {
  add_unique(sources_, "source", name, std::move(factory));
}

void Registry::add_dialer(const std::string& name, DialerFactory factory) {
  add_unique(dialers_, "dialer", name, std::move(factory));
}

void Registry::add_pricing(const std::string& name, PricingFactory factory) {
  add_unique(pricings_, "pricing", name, std::move(factory));
}

void Registry::add_notifier(const std::string& name, NotifierFactory factory) {
  add_unique(notifiers_, "notifier", name, std::move(factory));
}

const SourceFactory* Registry::source(const std::string& name) const {
  return find(sources_, name);
}

const DialerFactory* Registry::dialer(const std::string& name) const {
  return find(dialers_, name);
}

const PricingFactory* Registry::pricing(const std::string& name) const {
  return find(pricings_, name);
}

const NotifierFactory* Registry::notifier(const std::string& name) const {
  return find(notifiers_, name);
}

std::vector<std::string> Registry::names(const std::string& kind) const {
  if (kind == "source") return keys(sources_);
  if (kind == "dialer") return keys(dialers_);
  if (kind == "pricing") return keys(pricings_);
  if (kind == "notifier") return keys(notifiers_);
  throw std::invalid_argument("unknown plugin kind '" + kind +
                              "'; kinds are source, dialer, pricing and notifier");
}

}  // namespace vigie
