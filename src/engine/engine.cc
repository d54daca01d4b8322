// The Engine: store of record + online state + atomically swapped model snapshot.
//
// Write path (Ingest): validate -> queue -> the writer at the head of the queue becomes the
// leader, takes every queued request (group commit, as in LevelDB's DBImpl::Write), interns new
// keys, writes one synced RocksDB batch, applies the events to the online state and wakes the
// followers. Catalog and user writes take the same commit lock, so a key's mapping is always
// durable no later than the first record that uses it.
//
// Read path: the state lock is held shared for the request (it prefers writers, so ingest is not
// starved); the model snapshot is an immutable object reached through an atomic shared_ptr.
#include "recd/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/coding.h"
#include "core/ids.h"
#include "core/rw_lock.h"
#include "data/interactions.h"
#include "engine/model_snapshot.h"
#include "models/spec.h"
#include "engine/online_state.h"
#include "pipeline/pipeline.h"
#include "search/feedback.h"
#include "search/lookalikes.h"
#include "search/suggester.h"
#include "search/text_index.h"
#include "storage/event_codec.h"
#include "storage/store.h"

namespace recd {

namespace {

// Namespaces of the keys column family.
constexpr char kUserNs = 'u';
constexpr char kSessionNs = 's';
constexpr char kItemNs = 'i';
constexpr std::string_view kSnapshotKey = "model.snapshot";
constexpr size_t kMaxKeyBytes = 256;
constexpr size_t kMaxTextBytes = 1024;
constexpr size_t kMaxContextPairs = 64;
// Exploration looks at the newest this many catalog items only: a request's work stays bounded.
constexpr size_t kNewItemWindow = 1000;
// Content matches are sought for this many of the shopper's strongest items.
constexpr size_t kLikeItems = 3;

// The `k` items of `affinity` with positive weight that `keep` accepts, strongest first.
template <typename Keep>
std::vector<Affinity> StrongestItems(std::span<const Affinity> affinity, size_t k, Keep&& keep) {
  std::vector<Affinity> out;
  for (const Affinity& a : affinity) {
    if (a.weight > 0 && keep(a.item)) out.push_back(a);
  }
  const size_t kept = std::min(k, out.size());
  std::partial_sort(out.begin(), out.begin() + kept, out.end(),
                    [](const Affinity& a, const Affinity& b) { return a.weight > b.weight; });
  out.resize(kept);
  return out;
}

bool Listed(const std::vector<Candidate>& list, ItemIdx item) {
  return std::any_of(list.begin(), list.end(), [&](const Candidate& c) { return c.item == item; });
}

Status ValidateKey(std::string_view field, std::string_view key) {
  if (key.size() > kMaxKeyBytes) {
    return Status::InvalidArgument(std::string(field) + ": longer than " +
                                   std::to_string(kMaxKeyBytes) + " bytes");
  }
  for (unsigned char c : key) {
    if (c < 0x20) return Status::InvalidArgument(std::string(field) + ": contains a control character");
  }
  return Status::OK();
}

Status ValidateEvent(const Event& e, int64_t now_ms, const Options& options) {
  if (e.user_key.empty() && e.session_key.empty()) {
    return Status::InvalidArgument("user: an event needs a user or a session");
  }
  RECD_RETURN_IF_ERROR(ValidateKey("user", e.user_key));
  RECD_RETURN_IF_ERROR(ValidateKey("session", e.session_key));
  RECD_RETURN_IF_ERROR(ValidateKey("item", e.item_key));
  RECD_RETURN_IF_ERROR(ValidateKey("recomm_id", e.recomm_id));
  const std::string type(EventTypeName(e.type));
  if (e.type == EventType::kSearch) {
    if (e.query.empty()) return Status::InvalidArgument("query: required for type 'search'");
  } else if (e.item_key.empty()) {
    return Status::InvalidArgument("item: required for type '" + type + "'");
  }
  if (e.query.size() > kMaxTextBytes) return Status::InvalidArgument("query: longer than 1024 bytes");
  if (e.type == EventType::kRating) {
    if (!e.value) return Status::InvalidArgument("value: required for type 'rating'");
    if (!(*e.value >= 0.5 && *e.value <= 5.0)) {
      char got[32];
      std::snprintf(got, sizeof(got), "%g", *e.value);
      return Status::InvalidArgument(std::string("value: a rating must be between 0.5 and 5, got ") + got);
    }
  }
  if (e.timestamp_ms < 0) return Status::InvalidArgument("timestamp: must not be negative");
  if (e.timestamp_ms > now_ms + options.max_future_ms) {
    return Status::InvalidArgument("timestamp: " + std::to_string(e.timestamp_ms) +
                                   " ms is more than " + std::to_string(options.max_future_ms) +
                                   " ms in the future");
  }
  if (e.context.size() > kMaxContextPairs) return Status::InvalidArgument("context: more than 64 keys");
  return Status::OK();
}

Status ValidateItem(const Item& item) {
  if (item.key.empty()) return Status::InvalidArgument("id: required");
  RECD_RETURN_IF_ERROR(ValidateKey("id", item.key));
  if (item.price && !(*item.price >= 0)) return Status::InvalidArgument("price: must be >= 0");
  for (const std::string& c : item.categories) {
    if (c.empty() || c.size() > kMaxTextBytes) {
      return Status::InvalidArgument("categories: each must be 1 to 1024 bytes");
    }
  }
  if (item.expires_ms < 0 || item.created_ms < 0) {
    return Status::InvalidArgument("created/expires: must not be negative");
  }
  return Status::OK();
}

std::string KeyOf(char ns, std::string_view key) {
  std::string k(1, ns);
  k.append(key);
  return k;
}

std::string EncodeIdx(uint32_t idx) {
  std::string v;
  PutFixed<uint32_t>(&v, idx);
  return v;
}

}  // namespace

class Engine::Impl {
 public:
  explicit Impl(const Options& options) : options_(options), online_(options_) {}
  ~Impl() { StopTrainer(); }

  Status Open() {
    Result<std::unique_ptr<Store>> store = Store::Open(options_.data_dir);
    if (!store.ok()) return store.status();
    store_ = std::move(store).value();
    RECD_RETURN_IF_ERROR(Restore());
    RECD_RETURN_IF_ERROR(OpenTextIndex());
    lookalikes_ = std::make_unique<Lookalikes>(*text_, kNewItemWindow);
    for (size_t i = catalog_.size() > kNewItemWindow ? catalog_.size() - kNewItemWindow : 0; i < catalog_.size(); ++i) {
      const Item* item = catalog_.Get(static_cast<ItemIdx>(i));
      if (item && !item->hidden) lookalikes_->Add(static_cast<ItemIdx>(i));
    }
    std::string bytes;
    Status st = store_->Get(Cf::kMeta, kSnapshotKey, &bytes);
    if (st.ok()) {
      Result<std::shared_ptr<const ModelSnapshot>> snap = DecodeSnapshot(bytes);
      if (snap.ok() && (*snap)->info.items > item_keys_.size()) {
        snap = Status::Corruption("model snapshot: more items than the key map knows");
      }
      if (snap.ok()) {
        model_.store(*snap);
        spdlog::info("serving stored model snapshot v{} ({})", (*snap)->info.version, (*snap)->info.spec);
      } else {
        spdlog::warn("stored model snapshot unusable, retraining: {}", snap.status().ToString());
      }
    }
    if (!model_.load()) {
      model_.store(std::make_shared<const ModelSnapshot>());
      if (events_total_ > 0) RECD_RETURN_IF_ERROR(TrainNow());
    }
    // The stored snapshot serves at once; if events arrived after it was built (or the
    // configuration asks for other blended models), a fresh one is trained in the background.
    if (model_.load()->info.events_used < events_total_ || !SameBlend(model_.load()->info)) {
      train_requested_ = 1;
    }
    trainer_ = std::thread([this] { TrainerLoop(); });
    return Status::OK();
  }

  // ---- write path ----

  std::vector<Status> Ingest(std::vector<Event>& events) {
    std::vector<Status> statuses(events.size());
    const int64_t now = NowMs();
    size_t valid = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].timestamp_ms == 0) events[i].timestamp_ms = now;
      statuses[i] = ValidateEvent(events[i], now, options_);
      valid += statuses[i].ok();
    }
    if (valid == 0) return statuses;

    Writer w;
    w.events = &events;
    w.statuses = &statuses;
    std::unique_lock<std::mutex> qlock(queue_mu_);
    writers_.push_back(&w);
    while (!w.done && &w != writers_.front()) w.cv.wait(qlock);
    if (w.done) return statuses;

    // Leader: commit every writer queued so far as one group.
    std::vector<Writer*> group(writers_.begin(), writers_.end());
    qlock.unlock();
    Status st = CommitEvents(group);
    qlock.lock();
    for (Writer* member : group) {
      if (!st.ok()) {
        for (Status& s : *member->statuses) {
          if (s.ok()) s = st;
        }
      }
      writers_.pop_front();
      member->done = true;
      if (member != &w) member->cv.notify_one();
    }
    if (!writers_.empty()) writers_.front()->cv.notify_one();
    return statuses;
  }

  Status UpsertItems(std::vector<Item>& items, std::vector<std::optional<Item>>* previous) {
    for (size_t i = 0; i < items.size(); ++i) {
      Status st = ValidateItem(items[i]);
      if (!st.ok()) {
        return items.size() == 1 ? st : st.WithContext("items[" + std::to_string(i) + "].");
      }
    }
    std::lock_guard<std::mutex> commit(commit_mu_);
    return UpsertItemsLocked(items, previous);
  }

  // REQUIRES: commit_mu_ held; items validated.
  Status UpsertItemsLocked(std::vector<Item>& items, std::vector<std::optional<Item>>* previous = nullptr) {
    RECD_RETURN_IF_ERROR(fatal_);
    WriteBatch batch = store_->NewBatch();
    std::vector<ItemIdx> idx(items.size());
    {
      std::unique_lock<RwLock> state(state_mu_);
      for (size_t i = 0; i < items.size(); ++i) idx[i] = Intern(item_keys_, kItemNs, items[i].key, batch);
    }
    std::string bytes;
    for (const Item& item : items) {
      EncodeItem(item, &bytes);
      batch.Put(Cf::kItems, item.key, bytes);
    }
    RECD_RETURN_IF_ERROR(WriteOrFail(batch));
    // The text index is derived: a failure is logged and repaired at the next start.
    for (size_t i = 0; i < items.size(); ++i) {
      if (Status st = text_->Upsert(idx[i], items[i]); !st.ok()) spdlog::error("{}", st.ToString());
    }
    if (Status st = text_->Commit(); !st.ok()) spdlog::error("{}", st.ToString());
    std::vector<ItemIdx> described;  // for the first time
    {
      std::unique_lock<RwLock> state(state_mu_);
      for (size_t i = 0; i < items.size(); ++i) {
        const Item* before = catalog_.Get(idx[i]);
        if (previous) previous->push_back(before ? std::optional<Item>(*before) : std::nullopt);
        if (!before) {
          suggester_.AddTitle(items[i].title);  // titles count once per item
          if (!items[i].hidden) described.push_back(idx[i]);
        }
        catalog_.Upsert(idx[i], std::move(items[i]));
      }
    }
    for (ItemIdx i : described) lookalikes_->Add(i);
    return Status::OK();
  }

  // Items known only from events get a description that just says "hidden". The read and the
  // write happen under the commit lock, so a concurrent upsert is never overwritten.
  Status HideItem(const std::string& key) {
    std::lock_guard<std::mutex> commit(commit_mu_);
    Item item;
    {
      std::shared_lock<RwLock> state(state_mu_);
      std::optional<ItemIdx> idx = item_keys_.Find(key);
      if (!idx) return Status::NotFound("item '" + key + "' is unknown");
      const Item* known = catalog_.Get(*idx);
      if (known) item = *known;
      item.key = key;
    }
    item.hidden = true;
    std::vector<Item> one;
    one.push_back(std::move(item));
    return UpsertItemsLocked(one);
  }

  Result<Item> GetItem(const std::string& key) const {
    std::shared_lock<RwLock> state(state_mu_);
    std::optional<ItemIdx> idx = item_keys_.Find(key);
    const Item* item = idx ? catalog_.Get(*idx) : nullptr;
    if (!item) return Status::NotFound("item '" + key + "' is not in the catalog");
    return *item;
  }

  Status UpsertUser(const User& user) {
    if (user.key.empty()) return Status::InvalidArgument("id: required");
    RECD_RETURN_IF_ERROR(ValidateKey("id", user.key));
    std::lock_guard<std::mutex> commit(commit_mu_);
    RECD_RETURN_IF_ERROR(fatal_);
    WriteBatch batch = store_->NewBatch();
    UserIdx idx;
    {
      std::unique_lock<RwLock> state(state_mu_);
      idx = Intern(user_keys_, kUserNs, user.key, batch);
    }
    batch.Put(Cf::kUsers, user.key, user.attributes_json);
    RECD_RETURN_IF_ERROR(WriteOrFail(batch));
    std::vector<std::string> cohorts = CohortValues(user.attributes_json);
    std::unique_lock<RwLock> state(state_mu_);
    online_.SetCohorts(idx, cohorts);
    return Status::OK();
  }

  // The user's cohorts: "name=value" for each of recommend.cohort_attributes they have.
  std::vector<std::string> CohortValues(std::string_view attributes_json) const {
    std::vector<std::string> out;
    for (const std::string& name : options_.cohort_attributes) {
      for (const std::string& v : PropertyValues(attributes_json, std::span<const std::string>(&name, 1))) {
        out.push_back(name + "=" + v);
      }
    }
    return out;
  }

  Result<User> GetUser(const std::string& key) const {
    User user{key, ""};
    Status st = store_->Get(Cf::kUsers, key, &user.attributes_json);
    if (st.IsNotFound()) {
      std::shared_lock<RwLock> state(state_mu_);
      if (!user_keys_.Find(key)) return Status::NotFound("user '" + key + "' is unknown");
      user.attributes_json = "{}";  // known from events only
      return user;
    }
    if (!st.ok()) return st;
    return user;
  }

  // ---- read path ----

  // The list length a request asked for: default_n when unset, never above max_n.
  size_t ListLength(int n) const {
    return static_cast<size_t>(std::clamp(n > 0 ? n : options_.default_n, 1, options_.max_n));
  }

  Result<std::vector<HistoryEvent>> History(const std::string& user_key, const std::string& session_key) const {
    std::shared_lock<RwLock> state(state_mu_);
    std::optional<UserIdx> user = user_key.empty() ? std::nullopt : user_keys_.Find(user_key);
    std::optional<SessionIdx> session = session_key.empty() ? std::nullopt : session_keys_.Find(session_key);
    if (!user && !session) {
      return Status::NotFound(user_key.empty() ? "session '" + session_key + "' is unknown"
                                               : "user '" + user_key + "' is unknown");
    }
    std::vector<HistoryEvent> out;
    for (const HistoryEntry& h : online_.History(user.value_or(kNoIdx), user ? kNoIdx : *session)) {
      out.push_back({item_keys_.Key(h.item), h.type, h.timestamp_ms});
    }
    return out;
  }

  Result<std::vector<Recommendation>> Recommend(const RecommendRequest& req) const {
    const size_t n = ListLength(req.n);
    const int64_t now = NowMs();
    std::shared_ptr<const ModelSnapshot> model = model_.load();
    thread_local ShopperView view;
    std::shared_lock<RwLock> state(state_mu_);
    const auto [user, session] = CollectShopper(req.user_key, req.session_key, &view);
    RequestFilter filter(catalog_, now);
    const std::vector<ItemIdx> request_excluded = ItemIndices(req.exclude);
    if (!ShopperFilter(req, view, request_excluded, &filter)) return std::vector<Recommendation>{};

    // Score the strongest items of the shopper only: the request's work is bounded by
    // knn_history_items x knn_neighbors whatever the history length.
    std::span<const Affinity> scored = view.affinity;
    thread_local std::vector<Affinity> strongest;
    if (view.affinity.size() > static_cast<size_t>(options_.knn_history_items)) {
      strongest = view.affinity;
      std::nth_element(strongest.begin(), strongest.begin() + options_.knn_history_items, strongest.end(),
                       [](const Affinity& a, const Affinity& b) { return a.weight > b.weight; });
      strongest.resize(options_.knn_history_items);
      scored = strongest;
    }
    std::vector<Candidate> picked;
    // When lists are blended each source offers more than n, so that an item the others favour
    // is not lost to one list's cut-off.
    const size_t offered = model->blend.empty() ? n : n + std::max<size_t>(n, 20);
    std::vector<KnnCandidate> knn = model->knn.Score(scored, offered, [&](ItemIdx i) { return filter.Keep(i); });
    auto strongest_type = [&](ItemIdx item) {
      auto it = std::find_if(view.affinity.begin(), view.affinity.end(),
                             [&](const Affinity& a) { return a.item == item; });
      return view.strongest[it - view.affinity.begin()];
    };
    for (const KnnCandidate& c : knn) picked.push_back({c.item, c.score, Source::kItemKnn, c.because, strongest_type(c.because)});
    if (!model->blend.empty() && view.history_size > 0) {
      picked = Blend(*model, ShopperEvents(user, session), scored, n, filter, std::move(picked));
      for (Candidate& c : picked) {
        if (c.because != kNoIdx) c.because_type = strongest_type(c.because);
      }
    }
    if (picked.size() > n) picked.resize(n);
    if (picked.size() < n && view.history_size > 0) ContentFill(n, model->knn, view, filter, &picked);
    if (view.history_size == 0) ColdStart(n, user, filter, now, &picked);
    Explore(n, filter, view, &picked);
    BackfillPopular(n, filter, &picked);
    return Present(picked, req.category);
  }

  Result<std::vector<SearchHit>> Search(const SearchRequest& req) const {
    if (req.query.find_first_not_of(" \t") == std::string::npos) return Status::InvalidArgument("q: required");
    const size_t n = ListLength(req.n);
    const int64_t now = NowMs();
    std::shared_ptr<const ModelSnapshot> model = model_.load();
    thread_local ShopperView view;
    std::shared_lock<RwLock> state(state_mu_);
    RequestFilter filter(catalog_, now);
    if (!ApplyCategory(req.category, &filter)) return std::vector<SearchHit>{};
    auto keep = [&](ItemIdx i) {
      if (!filter.Keep(i)) return false;
      if (!req.min_price && !req.max_price) return true;
      const Item* item = catalog_.Get(i);
      if (!item || !item->price) return false;
      return (!req.min_price || *item->price >= *req.min_price) && (!req.max_price || *item->price <= *req.max_price);
    };
    // Text relevance first, with room for the blend to reorder.
    Result<std::vector<Scored>> hits = text_->Search(req.query, std::max<size_t>(5 * n, 50), keep);
    if (!hits.ok()) return hits.status();
    if (hits->empty()) return std::vector<SearchHit>{};
    // The shopper's affinity for each hit: item-kNN from their live history, and the shares of
    // their history in the hit's first category and in its brand.
    CollectShopper(req.user_key, req.session_key, &view);
    std::unordered_map<ItemIdx, double> knn;
    std::unordered_map<ItemIdx, bool> wanted;
    for (const Scored& h : *hits) wanted[h.idx] = true;
    double knn_best = 0;
    for (const KnnCandidate& c : model->knn.Score(view.affinity, hits->size(), [&](ItemIdx i) { return wanted.count(i) > 0; })) {
      knn[c.item] = c.score;
      knn_best = std::max<double>(knn_best, c.score);
    }
    double positive = 0;
    std::unordered_map<std::string_view, double> categories, brands;
    auto brand_of = [&](ItemIdx i) {
      const Item* item = catalog_.Get(i);
      return item ? std::string_view(item->brand) : std::string_view();
    };
    for (const Affinity& a : view.affinity) {
      if (a.weight <= 0) continue;
      positive += a.weight;
      categories[catalog_.PrimaryCategory(a.item)] += a.weight;
      if (!brand_of(a.item).empty()) brands[brand_of(a.item)] += a.weight;
    }
    auto share = [&](const std::unordered_map<std::string_view, double>& of, std::string_view key) {
      auto it = key.empty() ? of.end() : of.find(key);
      return it == of.end() || positive <= 0 ? 0.0 : it->second / positive;
    };
    // What shoppers chose after this same query (recomm_id attribution).
    const std::unordered_map<ItemIdx, double>* chosen = feedback_.ChosenFor(req.query);
    auto chosen_weight = [&](ItemIdx i) {
      auto it = chosen ? chosen->find(i) : std::unordered_map<ItemIdx, double>::const_iterator();
      return chosen && it != chosen->end() ? it->second : 0.0;
    };
    auto popularity = [&](ItemIdx i) {
      return i < online_.num_items() ? online_.popularity(i).ValueAt(now, options_.popularity_half_life_hours) : 0.0;
    };
    double pop_best = 0;
    const double text_best = (*hits)[0].score;
    for (const Scored& h : *hits) pop_best = std::max(pop_best, popularity(h.idx));
    std::vector<SearchHit> out;
    for (const Scored& h : *hits) {
      SearchHit hit;
      hit.item_key = item_keys_.Key(h.idx);
      hit.text = text_best > 0 ? h.score / text_best : 0;
      const double k = knn_best > 0 && knn.count(h.idx) ? knn[h.idx] / knn_best : 0;
      hit.affinity = 0.5 * k + 0.25 * share(categories, catalog_.PrimaryCategory(h.idx)) +
                     0.25 * share(brands, brand_of(h.idx));
      hit.popularity = pop_best > 0 ? popularity(h.idx) / pop_best : 0;
      // Saturating: one click (weight 2) gives 0.17, a few purchases nearly 1, so a single
      // choice nudges the order rather than deciding it.
      constexpr double kHalfChosen = 10;
      hit.chosen = chosen_weight(h.idx) / (chosen_weight(h.idx) + kHalfChosen);
      hit.score = options_.search_text_weight * hit.text + options_.search_affinity_weight * hit.affinity +
                  options_.search_popularity_weight * hit.popularity + options_.search_chosen_weight * hit.chosen;
      hit.reason = "matches \"" + req.query + "\"" + (hit.chosen > 0 ? ", often chosen for this search" : "") +
                   (hit.affinity > 0 ? ", close to what you looked at" : "");
      out.push_back(std::move(hit));
    }
    std::stable_sort(out.begin(), out.end(), [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; });
    if (out.size() > n) out.resize(n);
    return out;
  }

  Result<std::vector<std::string>> Suggest(const std::string& prefix, int n_req) const {
    if (prefix.find_first_not_of(" ") == std::string::npos) return Status::InvalidArgument("q: required");
    std::shared_lock<RwLock> state(state_mu_);
    return suggester_.Complete(prefix, ListLength(n_req));
  }

  Result<std::vector<Recommendation>> Similar(const std::string& key, int n_req) const {
    const size_t n = ListLength(n_req);
    std::shared_ptr<const ModelSnapshot> model = model_.load();
    std::shared_lock<RwLock> state(state_mu_);
    std::optional<ItemIdx> idx = item_keys_.Find(key);
    if (!idx) return Status::NotFound("item '" + key + "' is unknown");
    RequestFilter filter(catalog_, NowMs());
    const ItemIdx self[] = {*idx};
    filter.Exclude(self);
    std::vector<Candidate> picked;
    for (const Neighbor& nb : model->knn.Neighbors(*idx)) {
      if (picked.size() >= n) break;
      if (filter.Keep(nb.item)) picked.push_back({nb.item, nb.similarity, Source::kItemKnn, *idx});
    }
    std::vector<Recommendation> out = Present(picked, "", "similar to ");
    // Too few neighbours (a new or rarely seen item): items with a similar description next,
    // then popular items of its category.
    if (picked.size() < n) {
      std::vector<ItemIdx> taken = {*idx};
      for (const Candidate& c : picked) taken.push_back(c.item);
      auto not_taken = [&](ItemIdx i) { return filter.Keep(i) && std::find(taken.begin(), taken.end(), i) == taken.end(); };
      Result<std::vector<Scored>> alike = text_->MoreLikeThis(*idx, n - picked.size(), not_taken);
      if (alike.ok()) {
        std::vector<Candidate> content;
        for (const Scored& s : *alike) content.push_back({s.idx, s.score, Source::kContent, *idx});
        for (Recommendation& r : Present(content, "")) out.push_back(std::move(r));
        picked.insert(picked.end(), content.begin(), content.end());
      }
    }
    std::string_view category = catalog_.PrimaryCategory(*idx);
    if (picked.size() < n) {
      std::optional<CategoryIdx> cat = catalog_.FindCategory(category);
      if (cat) filter.RestrictToCategory(*cat);
      std::vector<Candidate> more;
      BackfillPopular(n - picked.size(), filter, &more, picked);
      for (Recommendation& r : Present(more, category)) out.push_back(std::move(r));
    }
    return out;
  }

  Result<std::vector<Recommendation>> Popular(int n_req, const std::string& category) const {
    const size_t n = ListLength(n_req);
    std::shared_lock<RwLock> state(state_mu_);
    RequestFilter filter(catalog_, NowMs());
    if (!ApplyCategory(category, &filter)) return std::vector<Recommendation>{};
    std::vector<Candidate> picked;
    BackfillPopular(n, filter, &picked);
    return Present(picked, category);
  }

  Result<std::vector<Recommendation>> Trending(int n_req, const std::string& category) const {
    const size_t n = ListLength(n_req);
    const int64_t now = NowMs();
    std::shared_lock<RwLock> state(state_mu_);
    RequestFilter filter(catalog_, now);
    if (!ApplyCategory(category, &filter)) return std::vector<Recommendation>{};
    std::vector<Candidate> picked;
    for (const Scored& s : TopTrending(n, filter, now)) picked.push_back({s.idx, s.score, Source::kTrending});
    return Present(picked, category);
  }

  // ---- models ----

  Status Retrain(bool wait) {
    std::unique_lock<std::mutex> lock(train_mu_);
    const uint64_t ticket = ++train_requested_;
    train_cv_.notify_all();
    if (!wait) return Status::OK();
    train_cv_.wait(lock, [&] { return train_completed_ >= ticket || stop_; });
    return last_train_status_;
  }

  Lookalikes& lookalikes() const { return *lookalikes_; }

  Result<std::vector<InspectedSource>> Inspect(const RecommendRequest& req) const {
    const size_t n = 2 * ListLength(req.n);
    const int64_t now = NowMs();
    std::shared_ptr<const ModelSnapshot> model = model_.load();
    ShopperView view;
    std::shared_lock<RwLock> state(state_mu_);
    const auto [user, session] = CollectShopper(req.user_key, req.session_key, &view);
    RequestFilter filter(catalog_, now);
    const std::vector<ItemIdx> request_excluded = ItemIndices(req.exclude);
    if (!ShopperFilter(req, view, request_excluded, &filter)) {
      return Status::NotFound("category '" + req.category + "' is unknown");
    }
    std::vector<InspectedSource> out;
    auto source = [&](std::string name, const std::vector<Scored>& list) {
      InspectedSource s{std::move(name), {}};
      for (const Scored& c : list) {
        s.candidates.push_back({item_keys_.Key(c.idx), c.score, std::string(filter.Why(c.idx))});
      }
      out.push_back(std::move(s));
    };
    auto all = [](ItemIdx) { return true; };
    std::vector<Scored> knn;
    for (const KnnCandidate& c : model->knn.Score(view.affinity, n, all)) knn.push_back({c.item, c.score});
    source("itemknn", knn);
    if (view.history_size > 0) {
      const std::vector<UserEvent> history = ShopperEvents(user, session);
      for (const ModelSnapshot::Blended& b : model->blend) source(b.model->Spec(), b.model->Recommend(history, n, all));
    } else {
      if (user) source("cohort", online_.CohortTop(*user, n, all));
      RequestFilter none(catalog_, now);
      source("trending", TopTrending(n, none, now));
    }
    return out;
  }

  std::vector<std::string> UsersWith(const std::string& item_key, bool in_cart) const {
    std::shared_lock<RwLock> state(state_mu_);
    std::optional<ItemIdx> idx = item_keys_.Find(item_key);
    std::vector<std::string> out;
    if (!idx) return out;
    for (UserIdx u : online_.UsersWith(*idx, in_cart)) out.push_back(user_keys_.Key(u));
    return out;
  }

  ModelInfo CurrentModel() const { return model_.load()->info; }

  EngineStats Stats() const {
    EngineStats s;
    s.events_total = events_total_.load();
    std::shared_lock<RwLock> state(state_mu_);
    s.items = item_keys_.size();
    s.users = user_keys_.size();
    s.sessions = session_keys_.size();
    s.events_since_build = s.events_total - std::min(s.events_total, model_.load()->info.events_used);
    return s;
  }

  const Options& options() const { return options_; }

 private:
  struct Writer {
    std::vector<Event>* events = nullptr;
    std::vector<Status>* statuses = nullptr;
    bool done = false;
    std::condition_variable cv;
  };

  // Interns `key` in `map`; a new mapping is added to `batch`. REQUIRES: state_mu_ held
  // exclusively and commit_mu_ held.
  static uint32_t Intern(KeyMap& map, char ns, std::string_view key, WriteBatch& batch) {
    bool inserted = false;
    uint32_t idx = map.Intern(key, &inserted);
    if (inserted) batch.Put(Cf::kKeys, KeyOf(ns, key), EncodeIdx(idx));
    return idx;
  }

  // REQUIRES: commit_mu_ held. A failed write leaves memory ahead of the store (interned
  // keys), so the engine refuses further writes until reopened.
  Status WriteOrFail(WriteBatch& batch) {
    Status st = store_->Write(batch, /*sync=*/true);
    if (!st.ok()) {
      fatal_ = st;
      spdlog::error("store write failed, refusing further writes: {}", st.ToString());
    }
    return st;
  }

  Status CommitEvents(const std::vector<Writer*>& group) {
    std::lock_guard<std::mutex> commit(commit_mu_);
    RECD_RETURN_IF_ERROR(fatal_);
    WriteBatch batch = store_->NewBatch();
    std::vector<EventRecord> records;
    {
      std::unique_lock<RwLock> state(state_mu_);
      // Derived sessions of users seen earlier in this group: (latest time, session).
      std::unordered_map<UserIdx, std::pair<int64_t, SessionIdx>> derived;
      const int64_t gap_ms = int64_t{options_.session_gap_minutes} * 60000;
      for (Writer* w : group) {
        for (size_t i = 0; i < w->events->size(); ++i) {
          if (!(*w->statuses)[i].ok()) continue;
          Event& e = (*w->events)[i];
          EventRecord r;
          r.type = e.type;
          if (!e.user_key.empty()) r.user_idx = Intern(user_keys_, kUserNs, e.user_key, batch);
          if (!e.session_key.empty()) {
            r.session_idx = Intern(session_keys_, kSessionNs, e.session_key, batch);
          } else if (r.user_idx != kNoIdx && gap_ms > 0) {
            // No session given: the user's current one, or a new one after a long enough pause.
            auto it = derived.find(r.user_idx);
            SessionIdx current = it != derived.end() && e.timestamp_ms - it->second.first <= gap_ms
                                     ? it->second.second
                                     : it != derived.end() ? kNoIdx
                                                           : online_.CurrentSession(r.user_idx, e.timestamp_ms, gap_ms);
            if (current == kNoIdx) {
              current = Intern(session_keys_, kSessionNs, e.user_key + "@" + std::to_string(e.timestamp_ms), batch);
            }
            r.session_idx = current;
          }
          if (r.user_idx != kNoIdx && r.session_idx != kNoIdx) derived[r.user_idx] = {e.timestamp_ms, r.session_idx};
          if (!e.item_key.empty()) r.item_idx = Intern(item_keys_, kItemNs, e.item_key, batch);
          r.timestamp_ms = e.timestamp_ms;
          r.value = e.value;
          r.query = std::move(e.query);
          r.recomm_id = std::move(e.recomm_id);
          r.context = std::move(e.context);
          records.push_back(std::move(r));
        }
      }
    }
    std::string bytes;
    uint64_t seq = next_seq_;
    for (const EventRecord& r : records) {
      EncodeEvent(r, &bytes);
      batch.Put(Cf::kEvents, Store::EncodeSeq(seq++), bytes);
    }
    RECD_RETURN_IF_ERROR(WriteOrFail(batch));
    next_seq_ = seq;
    {
      std::unique_lock<RwLock> state(state_mu_);
      catalog_.Reserve(item_keys_.size());
      for (const EventRecord& r : records) {
        ApplyRecord(r);
      }
    }
    events_total_ += records.size();
    return Status::OK();
  }

  // One stored event into the in-memory state: the online state, and for search, the
  // suggestions and the attribution of later choices to the query. Needs state_mu_ exclusively.
  void ApplyRecord(const EventRecord& r) {
    online_.Apply(r);
    if (r.type == EventType::kSearch) {
      suggester_.AddQuery(r.query);
      feedback_.Searched(r.recomm_id, r.query);
    } else if (r.item_idx != kNoIdx && !r.recomm_id.empty()) {
      feedback_.Chose(r.recomm_id, r.item_idx, EventStrength(r.type, r.value, options_.event_weights));
    }
  }

  // Opens the text index in <data_dir>/search and refills it from the catalog when it was
  // missing, damaged or holds a different number of items.
  Status OpenTextIndex() {
    TextIndexOptions text_options;
    text_options.language = options_.search_language;
    text_options.title_weight = options_.search_title_weight;
    text_options.brand_weight = options_.search_brand_weight;
    text_options.category_weight = options_.search_category_weight;
    text_options.description_weight = options_.search_description_weight;
    text_options.property_weight = options_.search_property_weight;
    text_options.properties = options_.search_properties;
    bool recreated = false;
    Result<std::unique_ptr<TextIndex>> index = TextIndex::Open(options_.data_dir + "/search", text_options, &recreated);
    if (!index.ok()) return index.status();
    text_ = std::move(index).value();
    uint64_t visible = 0;
    for (ItemIdx i = 0; i < catalog_.size(); ++i) {
      const Item* item = catalog_.Get(i);
      visible += item && !item->hidden;
    }
    if (!recreated && text_->size() == visible) return Status::OK();
    spdlog::info("rebuilding the search index from {} catalog items{}", visible,
                 recreated ? " (it was damaged or built with other fields)" : "");
    for (ItemIdx i = 0; i < catalog_.size(); ++i) {
      if (const Item* item = catalog_.Get(i)) RECD_RETURN_IF_ERROR(text_->Upsert(i, *item));
    }
    return text_->Commit();
  }

  // Rebuilds the key maps, the catalog and the online state from the store.
  Status Restore() {
    const int64_t start = MonotonicMicros();
    // Key maps: indices are dense per namespace, so each must be below its namespace's count.
    std::vector<std::pair<std::string, uint32_t>> keys[3];  // users, sessions, items
    Status st = store_->Scan(Cf::kKeys, "", [&](std::string_view key, std::string_view value) {
      uint32_t idx = 0;
      Decoder d(value);
      const int ns = key.empty() ? -1 : key[0] == kUserNs ? 0 : key[0] == kSessionNs ? 1 : key[0] == kItemNs ? 2 : -1;
      if (ns >= 0 && d.Fixed(&idx)) keys[ns].emplace_back(key.substr(1), idx);
      return true;
    });
    RECD_RETURN_IF_ERROR(st);
    KeyMap* maps[3] = {&user_keys_, &session_keys_, &item_keys_};
    for (int ns = 0; ns < 3; ++ns) {
      for (const auto& [key, idx] : keys[ns]) {
        if (idx >= keys[ns].size()) {
          return Status::Corruption("key map: index " + std::to_string(idx) + " of '" + key + "' is out of range");
        }
        maps[ns]->Restore(key, idx);
      }
    }
    Status item_status;
    st = store_->Scan(Cf::kItems, "", [&](std::string_view key, std::string_view value) {
      Item item;
      std::optional<ItemIdx> idx = item_keys_.Find(key);
      if (!DecodeItem(value, &item) || !idx) {
        item_status = Status::Corruption("catalog record for '" + std::string(key) + "' is unreadable");
        return false;
      }
      suggester_.AddTitle(item.title);
      catalog_.Upsert(*idx, std::move(item));
      return true;
    });
    RECD_RETURN_IF_ERROR(st);
    RECD_RETURN_IF_ERROR(item_status);
    catalog_.Reserve(item_keys_.size());
    // Users' cohorts before their events, so that the events count for them.
    st = store_->Scan(Cf::kUsers, "", [&](std::string_view key, std::string_view value) {
      if (std::optional<UserIdx> idx = user_keys_.Find(key)) online_.SetCohorts(*idx, CohortValues(value));
      return true;
    });
    RECD_RETURN_IF_ERROR(st);
    EventRecord r;
    Status event_status;
    st = store_->Scan(Cf::kEvents, "", [&](std::string_view key, std::string_view value) {
      event_status = DecodeEvent(value, &r);
      if (event_status.ok() && ((r.user_idx != kNoIdx && r.user_idx >= user_keys_.size()) ||
                                (r.session_idx != kNoIdx && r.session_idx >= session_keys_.size()) ||
                                (r.item_idx != kNoIdx && r.item_idx >= item_keys_.size()))) {
        event_status = Status::Corruption("event record: an index has no key");
      }
      if (!event_status.ok()) {
        event_status = event_status.WithContext("event " + std::to_string(Store::DecodeSeq(key)) + ": ");
        return false;
      }
      ApplyRecord(r);
      next_seq_ = Store::DecodeSeq(key) + 1;
      ++events_total_;
      return true;
    });
    RECD_RETURN_IF_ERROR(st);
    RECD_RETURN_IF_ERROR(event_status);
    spdlog::info("restored {} events, {} items ({} described), {} users, {} sessions in {} ms",
                 events_total_.load(), item_keys_.size(), catalog_.described(), user_keys_.size(),
                 session_keys_.size(), (MonotonicMicros() - start) / 1000);
    return Status::OK();
  }

  Status TrainNow() {
    std::lock_guard<std::mutex> one_at_a_time(build_mu_);
    uint32_t num_items;
    std::vector<ItemText> item_text;  // for content models in the blend
    {
      std::shared_lock<RwLock> state(state_mu_);
      num_items = static_cast<uint32_t>(item_keys_.size());
      if (!options_.blend_models.empty()) item_text.resize(num_items);
      for (ItemIdx i = 0; i < item_text.size(); ++i) {
        if (const Item* item = catalog_.Get(i)) {
          item_text[i] = {item->title, item->brand, item->description, item->categories,
                          PropertyValues(item->properties_json, options_.search_properties)};
        }
      }
    }
    const uint64_t version = model_.load()->info.version + 1;
    Result<std::shared_ptr<const ModelSnapshot>> snap =
        TrainSnapshot(*store_, options_, num_items, version, &item_text);
    if (!snap.ok()) return snap.status();
    std::string bytes;
    EncodeSnapshot(**snap, &bytes);
    WriteBatch batch = store_->NewBatch();
    batch.Put(Cf::kMeta, kSnapshotKey, bytes);
    RECD_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
    model_.store(*snap);
    spdlog::info("model v{} {} built from {} events in {} ms: {} items, {} neighbour pairs", version,
                 (*snap)->info.spec, (*snap)->info.events_used, (*snap)->info.train_ms,
                 (*snap)->info.items, (*snap)->info.neighbor_pairs);
    return Status::OK();
  }

  void TrainerLoop() {
    std::unique_lock<std::mutex> lock(train_mu_);
    auto interval = std::chrono::seconds(options_.retrain_interval_seconds > 0
                                             ? options_.retrain_interval_seconds
                                             : 365 * 24 * 3600);
    while (!stop_) {
      bool woken = train_cv_.wait_for(lock, interval, [&] {
        return stop_ || train_requested_ > train_completed_;
      });
      if (stop_) break;
      const uint64_t ticket = train_requested_;
      if (!woken) {  // scheduled: only when enough new events arrived
        uint64_t used = model_.load()->info.events_used;
        if (events_total_.load() < used + static_cast<uint64_t>(options_.retrain_min_new_events)) continue;
      }
      lock.unlock();
      Status st = TrainNow();
      if (!st.ok()) spdlog::error("retrain failed: {}", st.ToString());
      lock.lock();
      last_train_status_ = st;
      train_completed_ = std::max(train_completed_, ticket);
      train_cv_.notify_all();
    }
  }

  void StopTrainer() {
    {
      std::lock_guard<std::mutex> lock(train_mu_);
      stop_ = true;
    }
    train_cv_.notify_all();
    if (trainer_.joinable()) trainer_.join();
  }

  // Whether a snapshot's blended models are the ones the configuration asks for.
  bool SameBlend(const ModelInfo& info) const {
    if (info.blend.size() != options_.blend_models.size()) return false;
    for (size_t i = 0; i < info.blend.size(); ++i) {
      double weight = 1;
      std::string spec;
      if (!ParseBlendEntry(options_.blend_models[i], &weight, &spec).ok() || weight != info.blend[i].weight) return false;
      Result<ModelSpec> parsed = ModelSpec::Parse(spec);
      if (!parsed.ok() || parsed->name() != info.blend[i].spec.substr(0, info.blend[i].spec.find('('))) return false;
    }
    return true;
  }

  // ---- helpers of the read path; REQUIRES: state_mu_ held (shared) ----

  // Blends the item-kNN list with each blended model's list: every list is divided by its best
  // score, weighted (item-kNN: 1) and summed. An item keeps the cause item-kNN gave it, or
  // else the history item whose neighbour list holds it most strongly.
  // The shopper's recent events, oldest first (as sequence models read them): the user's, else
  // the session's, as CollectShopper chose. Needs state_mu_.
  std::vector<UserEvent> ShopperEvents(std::optional<UserIdx> user, std::optional<SessionIdx> session) const {
    std::vector<HistoryEntry> entries = online_.History(user.value_or(kNoIdx), kNoIdx);
    if (entries.empty() && session) entries = online_.History(kNoIdx, *session);
    std::vector<UserEvent> events;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) events.push_back({it->item, it->strength, it->timestamp_ms});
    return events;
  }

  std::vector<Candidate> Blend(const ModelSnapshot& model, const std::vector<UserEvent>& history,
                               std::span<const Affinity> affinity, size_t n, const RequestFilter& filter,
                               std::vector<Candidate> knn) const {
    std::unordered_map<ItemIdx, Candidate> merged;
    auto add = [&](ItemIdx item, double normalized, const Candidate* from_knn) {
      auto [it, inserted] = merged.try_emplace(item, Candidate{item, 0.0, Source::kBlend});
      it->second.score += normalized;
      if (from_knn) {
        it->second.because = from_knn->because;
      }
    };
    if (!knn.empty() && knn[0].score > 0) {
      for (const Candidate& c : knn) add(c.item, c.score / knn[0].score, &c);
    }
    const std::function<bool(ItemIdx)> keep = [&](ItemIdx i) { return filter.Keep(i); };
    const size_t offered = n + std::max<size_t>(n, 20);
    for (const ModelSnapshot::Blended& b : model.blend) {
      std::vector<Scored> list = b.model->Recommend(history, offered, keep);
      if (list.empty() || list[0].score <= 0) continue;
      for (const Scored& s : list) add(s.idx, b.weight * s.score / list[0].score, nullptr);
    }
    std::vector<Candidate> out;
    for (auto& [item, c] : merged) out.push_back(c);
    std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
      return a.score > b.score || (a.score == b.score && a.item < b.item);
    });
    if (out.size() > n) out.resize(n);
    for (Candidate& c : out) {
      if (c.because != kNoIdx) continue;
      float best = 0;
      for (const Affinity& a : affinity) {
        for (const Neighbor& nb : model.knn.Neighbors(a.item)) {
          if (nb.item == c.item && a.weight * nb.similarity > best) {
            best = a.weight * nb.similarity;
            c.because = a.item;
          }
        }
      }
    }
    return out;
  }

  // Restricts `filter` to `category`; false when the category has no items at all.
  bool ApplyCategory(const std::string& category, RequestFilter* filter) const {
    if (category.empty()) return true;
    std::optional<CategoryIdx> cat = catalog_.FindCategory(category);
    if (!cat) return false;
    filter->RestrictToCategory(*cat);
    return true;
  }

  std::vector<ItemIdx> ItemIndices(const std::vector<std::string>& keys) const {
    std::vector<ItemIdx> out;
    for (const std::string& k : keys) {
      if (std::optional<ItemIdx> idx = item_keys_.Find(k)) out.push_back(*idx);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Appends popular items not yet in `picked` (nor in `also_taken`) until `picked` has n.
  struct ShopperIds {
    std::optional<UserIdx> user;
    std::optional<SessionIdx> session;
  };
  // Finds the shopper and fills `view` from the user's live history, else the session's.
  // Needs state_mu_.
  ShopperIds CollectShopper(const std::string& user_key, const std::string& session_key, ShopperView* view) const {
    ShopperIds ids;
    if (!user_key.empty()) ids.user = user_keys_.Find(user_key);
    if (!session_key.empty()) ids.session = session_keys_.Find(session_key);
    online_.Collect(ids.user.value_or(kNoIdx), kNoIdx, view);
    if (view->history_size == 0 && ids.session) online_.Collect(kNoIdx, *ids.session, view);
    return ids;
  }

  // Items the neighbour table does not know yet (added since its build) still lead somewhere:
  // when the list is short, the text index's look-alikes of the shopper's strongest such items
  // fill it (source content, "with a description like X"). Only then does a request search the
  // text index. Needs state_mu_.
  void ContentFill(size_t n, const ItemKnnModel& knn, const ShopperView& view, const RequestFilter& filter,
                   std::vector<Candidate>* picked) const {
    for (const Affinity& a : StrongestItems(view.affinity, kLikeItems, [&](ItemIdx i) { return knn.Neighbors(i).empty(); })) {
      if (picked->size() >= n) break;
      Result<std::vector<Scored>> alike = text_->MoreLikeThis(
          a.item, n - picked->size(), [&](ItemIdx i) { return filter.Keep(i) && !Listed(*picked, i); });
      if (!alike.ok()) break;
      for (const Scored& s : *alike) picked->push_back({s.idx, s.score, Source::kContent, a.item});
    }
  }

  // The business rules of a shopper's request: recommendable items in its category, minus the
  // shopper's exclusions (bought, disliked) and the request's; `request_excluded` must outlive
  // the filter. False if the category is unknown. Needs state_mu_.
  bool ShopperFilter(const RecommendRequest& req, const ShopperView& view, const std::vector<ItemIdx>& request_excluded,
                     RequestFilter* filter) const {
    if (!ApplyCategory(req.category, filter)) return false;
    filter->Exclude(view.excluded, "bought or disliked before (events.exclude_types)");
    filter->Exclude(request_excluded, "excluded by the request");
    return true;
  }

  // A shopper with no history: the items popular in their cohorts when their attributes are
  // known, else what is trending (items gaining attention faster than their baseline).
  void ColdStart(size_t n, std::optional<UserIdx> user, const RequestFilter& filter, int64_t now,
                 std::vector<Candidate>* picked) const {
    if (user) {
      for (const Scored& s : online_.CohortTop(*user, n, [&](ItemIdx i) { return filter.Keep(i); })) {
        picked->push_back({s.idx, s.score, Source::kCohort});
      }
      if (!picked->empty()) return;
    }
    for (const Scored& s : TopTrending(n, filter, now)) {
      if (s.score > 0) picked->push_back({s.idx, s.score, Source::kTrending});  // rising only
    }
  }

  // Needs state_mu_.
  std::vector<Scored> TopTrending(size_t n, const RequestFilter& filter, int64_t now) const {
    return TopOf(kTrendingShortlist, n, now, [&](ItemIdx i) { return online_.Trending(i, now); },
                 [&](ItemIdx i) { return filter.Keep(i); });
  }

  // The best `n` items with events by `score` among those `keep` accepts. Popularity and
  // trending lists would otherwise scan every item per request (1 ms on 100,000 items): the
  // kShortlist best items of each, by a scan at most once a second, are scored live first, and
  // every item is scanned only when fewer than n of them pass `keep` (a small category, say).
  // An item whose first events came after the last scan waits for the next one. Needs state_mu_.
  template <typename ScoreFn, typename Keep>
  std::vector<Scored> TopOf(int which, size_t n, int64_t now, ScoreFn&& score, Keep&& keep) const {
    auto has_events = [&](ItemIdx i) { return !online_.popularity(i).empty(); };
    std::shared_ptr<const std::vector<ItemIdx>> shortlist;
    {
      std::lock_guard<std::mutex> lock(shortlist_mu_);
      Shortlist& s = shortlists_[which];
      if (!s.items || now - s.built_ms >= 1000 || now < s.built_ms) {
        std::vector<ItemIdx> items;
        for (const Scored& x : TopItems(online_.num_items(), kShortlist, has_events, score, [](ItemIdx) { return true; })) {
          items.push_back(x.idx);
        }
        s.items = std::make_shared<const std::vector<ItemIdx>>(std::move(items));
        s.built_ms = now;
      }
      shortlist = s.items;
    }
    TopK top(n);
    size_t passed = 0;
    for (ItemIdx i : *shortlist) {
      if (i < online_.num_items() && keep(i)) {
        top.Push(i, score(i));
        ++passed;
      }
    }
    if (passed >= n) return top.Take();
    return TopItems(online_.num_items(), n, has_events, score, keep);
  }

  // Gives floor(n x exploration_share) places at the end of the list to new items: described
  // items among the newest kNewItemWindow with fewer than exploration_max_events events. New
  // items whose text is like one of the shopper's strongest items come first (source content,
  // from the look-alikes filed when they were added, so an item is recommendable through
  // content the moment it is linked); then the newest.
  void Explore(size_t n, const RequestFilter& filter, const ShopperView& view, std::vector<Candidate>* picked) const {
    const size_t slots = static_cast<size_t>(static_cast<double>(n) * options_.exploration_share);
    if (slots == 0) return;
    auto is_new = [&](ItemIdx item) {
      return item + kNewItemWindow >= catalog_.size() && catalog_.Get(item) &&
             online_.events(item) < static_cast<uint32_t>(options_.exploration_max_events) && filter.Keep(item) &&
             !Listed(*picked, item);
    };
    std::vector<Candidate> chosen;
    for (const Affinity& a : StrongestItems(view.affinity, kLikeItems, [](ItemIdx) { return true; })) {
      for (const Scored& s : lookalikes_->Of(a.item)) {
        if (is_new(s.idx)) chosen.push_back({s.idx, s.score, Source::kContent, a.item});
      }
    }
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    std::vector<Candidate> explored;
    for (const Candidate& c : chosen) {
      if (explored.size() < slots && !Listed(explored, c.item)) explored.push_back(c);
    }
    const ItemIdx newest = static_cast<ItemIdx>(catalog_.size());
    for (ItemIdx i = newest; i-- > 0 && explored.size() < slots && i + kNewItemWindow >= newest;) {
      if (is_new(i) && !Listed(explored, i)) explored.push_back({i, 0.0, Source::kExplore});
    }
    if (picked->size() + explored.size() > n) picked->resize(n - explored.size());
    picked->insert(picked->end(), explored.begin(), explored.end());
  }

  void BackfillPopular(size_t n, const RequestFilter& filter, std::vector<Candidate>* picked,
                       const std::vector<Candidate>& also_taken = {}) const {
    if (picked->size() >= n) return;
    std::vector<ItemIdx> taken;
    for (const Candidate& c : *picked) taken.push_back(c.item);
    for (const Candidate& c : also_taken) taken.push_back(c.item);
    std::sort(taken.begin(), taken.end());
    RequestFilter not_taken = filter;  // `taken` outlives this copy, not the caller's filter
    not_taken.Exclude(taken);
    const int64_t now = NowMs();
    std::vector<Scored> top = TopOf(
        kPopularShortlist, n - picked->size(), now, [&](ItemIdx i) { return online_.popularity(i).RankKey(); },
        [&](ItemIdx i) { return not_taken.Keep(i); });
    for (const Scored& s : top) {
      double value = online_.popularity(s.idx).ValueAt(now, options_.popularity_half_life_hours);
      picked->push_back({s.idx, value, Source::kPopularity});
    }
  }

  std::vector<Recommendation> Present(const std::vector<Candidate>& picked, std::string_view category,
                                      std::string_view similar_prefix = "") const {
    std::vector<Recommendation> out;
    out.reserve(picked.size());
    for (const Candidate& c : picked) {
      Recommendation r;
      r.item_key = item_keys_.Key(c.item);
      r.score = c.score;
      r.source = SourceName(c.source);
      std::string_view because =
          c.because == kNoIdx ? "" : catalog_.DisplayName(c.because, item_keys_.Key(c.because));
      r.reason = similar_prefix.empty() ? Explain(c, catalog_, because, category)
                                        : std::string(similar_prefix) + std::string(because);
      out.push_back(std::move(r));
    }
    return out;
  }

  const Options options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TextIndex> text_;  // derived from the catalog; rebuilt from it when needed
  std::unique_ptr<Lookalikes> lookalikes_;  // new items filed under the items like them

  // TopOf's shortlists: the best items by popularity and by trending, rescanned once a second.
  static constexpr size_t kShortlist = 2000;
  static constexpr int kPopularShortlist = 0, kTrendingShortlist = 1;
  struct Shortlist {
    std::shared_ptr<const std::vector<ItemIdx>> items;
    int64_t built_ms = 0;
  };
  mutable std::mutex shortlist_mu_;
  mutable Shortlist shortlists_[2];  // GUARDED_BY(shortlist_mu_)

  mutable RwLock state_mu_;  // guards the key maps, the catalog and the online state
  KeyMap user_keys_, session_keys_, item_keys_;
  Catalog catalog_;
  OnlineState online_;
  Suggester suggester_;      // GUARDED_BY(state_mu_)
  SearchFeedback feedback_;  // GUARDED_BY(state_mu_)

  std::mutex commit_mu_;  // one store writer at a time: interning + write + apply
  uint64_t next_seq_ = 0;  // GUARDED_BY(commit_mu_)
  Status fatal_;           // GUARDED_BY(commit_mu_)
  std::atomic<uint64_t> events_total_{0};

  std::mutex queue_mu_;
  std::deque<Writer*> writers_;  // GUARDED_BY(queue_mu_)

  std::atomic<std::shared_ptr<const ModelSnapshot>> model_;
  std::mutex build_mu_;  // one build at a time (startup or trainer)
  std::mutex train_mu_;
  std::condition_variable train_cv_;
  uint64_t train_requested_ = 0, train_completed_ = 0;  // GUARDED_BY(train_mu_)
  Status last_train_status_;                             // GUARDED_BY(train_mu_)
  bool stop_ = false;                                    // GUARDED_BY(train_mu_)
  std::thread trainer_;
};

// ---- public API: thin forwarding ----

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const Options& options) {
  auto impl = std::make_unique<Impl>(options);
  RECD_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

std::vector<Status> Engine::Ingest(std::vector<Event> events) { return impl_->Ingest(events); }
Status Engine::UpsertItems(std::vector<Item> items, std::vector<std::optional<Item>>* previous) {
  return impl_->UpsertItems(items, previous);
}
Status Engine::HideItem(const std::string& key) { return impl_->HideItem(key); }
Result<Item> Engine::GetItem(const std::string& key) const { return impl_->GetItem(key); }
Status Engine::UpsertUser(User user) { return impl_->UpsertUser(user); }
Result<User> Engine::GetUser(const std::string& key) const { return impl_->GetUser(key); }
Result<std::vector<HistoryEvent>> Engine::History(const std::string& user_key,
                                                  const std::string& session_key) const {
  return impl_->History(user_key, session_key);
}
Result<std::vector<Recommendation>> Engine::Recommend(const RecommendRequest& r) const {
  return impl_->Recommend(r);
}
Result<std::vector<SearchHit>> Engine::Search(const SearchRequest& r) const { return impl_->Search(r); }
Result<std::vector<std::string>> Engine::Suggest(const std::string& prefix, int n) const {
  return impl_->Suggest(prefix, n);
}
Result<std::vector<Recommendation>> Engine::Similar(const std::string& key, int n) const {
  return impl_->Similar(key, n);
}
Result<std::vector<Recommendation>> Engine::Popular(int n, const std::string& category) const {
  return impl_->Popular(n, category);
}
Result<std::vector<Recommendation>> Engine::Trending(int n, const std::string& category) const {
  return impl_->Trending(n, category);
}
Status Engine::Retrain(bool wait) { return impl_->Retrain(wait); }
Result<std::vector<InspectedSource>> Engine::Inspect(const RecommendRequest& req) const { return impl_->Inspect(req); }
std::vector<std::string> Engine::UsersWith(const std::string& item_key, bool in_cart) const {
  return impl_->UsersWith(item_key, in_cart);
}
void Engine::WaitForBackgroundWork() const { impl_->lookalikes().Wait(); }
ModelInfo Engine::CurrentModel() const { return impl_->CurrentModel(); }
EngineStats Engine::Stats() const { return impl_->Stats(); }
const Options& Engine::options() const { return impl_->options(); }

}  // namespace recd
