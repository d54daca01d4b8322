#include "data/synthetic.h"

#include <cmath>
#include <random>
#include <string>

namespace recd {

std::vector<std::vector<UserEvent>> SyntheticSessions(size_t events, uint32_t items, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<double> weights(items);
  for (uint32_t i = 0; i < items; ++i) weights[i] = 1.0 / std::pow(i + 1.0, 0.9);
  std::discrete_distribution<uint32_t> popular(weights.begin(), weights.end());
  std::geometric_distribution<int> extra(1.0 / 2.2);  // 2 + geometric: about 4.2 events per session
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::vector<UserEvent>> sessions;
  int64_t t = 1700000000000;
  size_t total = 0;
  while (total < events) {
    const int len = 2 + extra(rng);
    std::vector<UserEvent> s;
    uint32_t item = popular(rng);
    for (int k = 0; k < len; ++k) {
      s.push_back({item, 1.0f, t += 5000});
      item = u(rng) < 0.5 ? (item + 1 + static_cast<uint32_t>(rng() % 8)) % items : popular(rng);
    }
    total += s.size();
    sessions.push_back(std::move(s));
  }
  return sessions;
}

Dataset SyntheticSessionDataset(size_t events, uint32_t items, uint32_t seed) {
  Dataset ds;
  ds.sessions = true;
  bool inserted = false;
  for (uint32_t i = 0; i < items; ++i) ds.items.Intern("i" + std::to_string(i), &inserted);
  std::vector<std::vector<UserEvent>> sessions = SyntheticSessions(events, items, seed);
  for (uint32_t s = 0; s < sessions.size(); ++s) {
    const uint32_t key = ds.users.Intern("s" + std::to_string(s), &inserted);
    for (const UserEvent& e : sessions[s]) ds.interactions.push_back({key, e.item, 1.0f, e.timestamp_ms});
  }
  ds.item_categories.resize(items);
  ds.item_titles.resize(items);
  ds.session_owner.resize(ds.users.size());
  return ds;
}

}  // namespace recd
