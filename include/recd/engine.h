// Engine: recd embedded in a process. It owns the store of record (RocksDB), the online state
// (shopper histories, counters, trending) and the current model snapshot, and answers
// recommendation requests. The HTTP server and the CLI are thin adapters around it.
//
// Thread safety: every method may be called from any thread concurrently. Ingest returns only
// after the events are durable (WAL synced) and applied to the online state, so a request that
// starts after Ingest returned sees them. Model snapshots are immutable and swapped atomically;
// readers never block on training.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recd/event.h"
#include "recd/item.h"
#include "recd/options.h"
#include "recd/status.h"

namespace recd {

struct RecommendRequest {
  std::string user_key;     // may be unknown: cold shoppers get popular items
  std::string session_key;  // optional: the live session, used when user_key is empty
  int n = 0;                // 0: Options::default_n; at most Options::max_n
  std::string category;     // optional category path filter
  std::vector<std::string> exclude;  // item keys never to return
};

struct Recommendation {
  std::string item_key;
  double score = 0;
  std::string source;  // which candidate source proposed it: "itemknn", "popularity"
  std::string reason;  // "because you viewed Blue Kettle", "popular in kitchen"
};

struct SearchRequest {
  std::string query;        // required
  std::string user_key;     // optional: personalizes the order
  std::string session_key;  // optional: used when the user has no history
  int n = 0;                // 0: Options::default_n
  std::string category;     // optional category path filter
  std::optional<double> min_price, max_price;
};

struct SearchHit {
  std::string item_key;
  double score = 0;       // the search.*_weight sum of the parts below
  double text = 0;        // BM25 relevance / the best hit's
  double affinity = 0;    // the shopper's affinity, 0..1
  double popularity = 0;  // time-decayed popularity / the most popular hit's
  double chosen = 0;      // w / (w + 10), w the weight of the choices made after this same query
  std::string reason;
};

// What the shopper inspector shows (GET /v1/inspect): each candidate source's proposals before
// the business rules, with what removed each one if anything, beside the final list.
struct InspectedCandidate {
  std::string item_key;
  double score = 0;
  std::string removed_by;  // "" if it passed the filters
};
struct InspectedSource {
  std::string name;  // "itemknn", a blended model's spec, "cohort", "trending"
  std::vector<InspectedCandidate> candidates;
};

struct HistoryEvent {
  std::string item_key;
  EventType type = EventType::kView;
  int64_t timestamp_ms = 0;
};

struct BlendedModel {
  std::string spec;  // canonical spec, as trained
  double weight = 1;
};

struct ModelInfo {
  uint64_t version = 0;       // 0: no model trained yet
  std::string spec;           // the neighbour table: "itemknn(k=50,sim=cosine,shrink=10)"
  std::vector<BlendedModel> blend;  // further models whose candidates are blended in
  int64_t built_at_ms = 0;
  uint64_t events_used = 0;   // events in the store when the build started
  uint64_t items = 0;
  uint64_t neighbor_pairs = 0;
  int64_t train_ms = 0;
};

struct EngineStats {
  uint64_t events_total = 0;  // events in the store
  uint64_t items = 0;         // item keys known (catalog or events)
  uint64_t users = 0;
  uint64_t sessions = 0;
  uint64_t events_since_build = 0;
};

class Engine {
 public:
  // Opens (or creates) the data directory, restores all state from it and trains the first
  // model if none can be restored. Returns IOError/Corruption if the store cannot be opened.
  static Result<std::unique_ptr<Engine>> Open(const Options& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Validates each event, stores the valid ones durably in one synced batch and applies them to
  // the online state. Returns one Status per input event, in order: OK if stored, else
  // InvalidArgument naming the field. Concurrent callers are committed together (group commit).
  std::vector<Status> Ingest(std::vector<Event> events);

  // Catalog. Upsert replaces an item's description whole. InvalidArgument on bad fields.
  // `previous`, if given, receives each item's description as it was just before (nullopt for
  // an item not described before), read under the lock of the write: concurrent upserts of an
  // item see each other in order (webhooks compare prices with it).
  Status UpsertItems(std::vector<Item> items, std::vector<std::optional<Item>>* previous = nullptr);
  // Hides an item (it stays in history but is never recommended). NotFound if unknown.
  Status HideItem(const std::string& item_key);
  Result<Item> GetItem(const std::string& item_key) const;

  Status UpsertUser(User user);
  Result<User> GetUser(const std::string& user_key) const;

  // The shopper's recent item events, newest first (at most Options::history_size): the user's
  // if user_key is set, else the session's. NotFound if the shopper was never seen.
  Result<std::vector<HistoryEvent>> History(const std::string& user_key,
                                            const std::string& session_key) const;

  // Personalized list for a shopper from their live history and the current snapshot; cold
  // shoppers fall back to popularity. Each entry says why it is there.
  Result<std::vector<Recommendation>> Recommend(const RecommendRequest& request) const;
  // Keyword search over the catalog (title, brand, categories, description), filters applied
  // inside the search, ordered by a blend of text relevance, the shopper's affinity and
  // popularity (Options::search_*). InvalidArgument for an empty or unreadable query.
  Result<std::vector<SearchHit>> Search(const SearchRequest& request) const;

  // Completions of `prefix` (case-insensitive, its last word completed) from catalog titles and
  // the queries shoppers searched, the most frequent first. InvalidArgument for an empty prefix.
  Result<std::vector<std::string>> Suggest(const std::string& prefix, int n) const;

  // The sources' candidates for `req` (at most 2n each, unfiltered, each marked with the rule
  // that removes it) and the final list, for the shopper inspector.
  Result<std::vector<InspectedSource>> Inspect(const RecommendRequest& req) const;

  // Users with `item_key` in their cart (added, not removed nor bought since) or, with in_cart
  // false, who viewed or clicked it among their recent events (online.history_size; a scan of
  // every user). For webhooks on price drops and restocks.
  std::vector<std::string> UsersWith(const std::string& item_key, bool in_cart) const;

  // Items most similar to `item_key`. NotFound if the item is unknown.
  Result<std::vector<Recommendation>> Similar(const std::string& item_key, int n) const;
  // Time-decayed popularity, optionally within a category.
  Result<std::vector<Recommendation>> Popular(int n, const std::string& category) const;
  // Items whose short-window activity most exceeds their long-window baseline.
  Result<std::vector<Recommendation>> Trending(int n, const std::string& category) const;

  // Rebuilds the model snapshot from the store. With wait=false it only asks the background
  // trainer and returns at once.
  Status Retrain(bool wait);
  // Blocks until the background work started by the writes so far is done: new items linked to
  // the items whose text is like theirs, which exploration reads. Tests and tools call it;
  // serving never waits for it.
  void WaitForBackgroundWork() const;
  ModelInfo CurrentModel() const;
  EngineStats Stats() const;
  const Options& options() const;

 private:
  class Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace recd
