#include "search/lookalikes.h"

#include <algorithm>

namespace recd {

Lookalikes::Lookalikes(const TextIndex& index, size_t window, size_t per_item)
    : index_(index), window_(window), per_item_(per_item), worker_([this] { Loop(); }) {}

Lookalikes::~Lookalikes() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void Lookalikes::Add(ItemIdx item) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(item);
    if (queue_.size() > window_) queue_.pop_front();  // no longer among the newest
  }
  cv_.notify_one();
}

void Lookalikes::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

std::vector<Scored> Lookalikes::Of(ItemIdx item) const {
  std::shared_lock<std::shared_mutex> lock(links_mu_);
  auto it = links_.find(item);
  return it == links_.end() ? std::vector<Scored>{} : it->second;
}

void Lookalikes::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    const ItemIdx item = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Result<std::vector<Scored>> alike = index_.MoreLikeThis(item, per_item_, [](ItemIdx) { return true; });
    if (alike.ok()) {
      std::unique_lock<std::shared_mutex> links(links_mu_);
      for (const Scored& s : *alike) {
        std::vector<Scored>& filed = links_[s.idx];
        filed.erase(std::remove_if(filed.begin(), filed.end(), [&](const Scored& f) { return f.idx == item; }),
                    filed.end());
        filed.insert(filed.begin(), {item, s.score});
        if (filed.size() > per_item_) filed.pop_back();
      }
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
}

}  // namespace recd
