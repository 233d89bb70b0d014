// SociStore's outbox: the fired routes of a cycle waiting for delivery.

#include <string>

#include "store/record_check.hpp"
#include "store/soci_store.hpp"

namespace vigie::store {

std::vector<OutboxItem> SociStore::pending_alerts(int cycle) {
  require_campaign("list the pending alerts");

  std::vector<OutboxItem> items;
  try {
    // Alerts are acted upon: they must be committed before they leave.
    flush();
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT route, contact_id, notifier, due, delivery_attempts FROM "
                         "fired_routes WHERE campaign = :campaign AND cycle = :cycle AND "
                         "delivered = 0 ORDER BY due, route, contact_id",
         soci::use(campaign_), soci::use(cycle));
    for (const soci::row& row : rows) {
      OutboxItem item;
      item.campaign = campaign_;
      item.cycle = cycle;
      item.route = row.get<std::string>(0);
      item.contact_id = row.get<std::string>(1);
      item.notifier = row.get<std::string>(2);
      item.due = parse_instant(row.get<std::string>(3), label());
      item.delivery_attempts = row.get<int>(4);
      items.push_back(std::move(item));
    }
  } catch (const soci::soci_error& error) {
    rethrow(error, "list the pending alerts of cycle " + std::to_string(cycle) + " in " + label());
  }
  return items;
}

void SociStore::mark_delivered(int cycle, const std::string& route, const std::string& contact_id) {
  update_alert(cycle, route, contact_id, "delivered = 1", "mark as delivered");
}

void SociStore::mark_failed_delivery(int cycle, const std::string& route,
                                     const std::string& contact_id) {
  update_alert(cycle, route, contact_id, "delivery_attempts = delivery_attempts + 1",
               "count a failed delivery of");
}

void SociStore::update_alert(int cycle, const std::string& route, const std::string& contact_id,
                             const char* assignment, std::string_view action) {
  require_campaign("update an alert");

  const std::string alert = "the alert of route '" + route + "' for contact '" + contact_id +
                            "' in cycle " + std::to_string(cycle);
  long long updated = 0;
  try {
    flush();
    soci::statement update =
        (sql_.prepare << std::string("UPDATE fired_routes SET ") + assignment +
                             " WHERE campaign = :campaign AND cycle = :cycle AND route = :route "
                             "AND contact_id = :contact_id",
         soci::use(campaign_), soci::use(cycle), soci::use(route), soci::use(contact_id));
    update.execute(true);
    updated = update.get_affected_rows();
  } catch (const soci::soci_error& error) {
    rethrow(error, std::string(action) + " " + alert + " in " + label());
  }

  if (updated == 0) {
    throw StoreError("cannot " + std::string(action) + " " + alert + " in " + label() +
                     ": the outbox holds no such alert; record the outcome that fires it first");
  }
}

}  // namespace vigie::store
