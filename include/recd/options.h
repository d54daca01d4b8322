// Every tunable of recd, grouped by purpose, each with its default.
//
// The configuration file (TOML), environment variables (RECD_<SECTION>_<KEY>) and command-line
// flags all write into this struct through one registry (src/config/config.h); docs/config.md is
// generated from that registry and a test keeps the two identical.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recd/event.h"

namespace recd {

struct Options {
  // --- storage ---
  std::string data_dir = "./data";  // the RocksDB directory, created if missing

  // --- server ---
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  int http_threads = 2;                   // threads running the Beast I/O context
  uint64_t max_body_bytes = 16u << 20;    // larger request bodies get 413

  // --- events ---
  // How much each event type says about a shopper's interest. A rating's weight is scaled by
  // (value - 2.5) / 2.5, so 5 stars count +weight and half a star -0.8 * weight.
  EventWeights event_weights = {
      1.0,   // view
      2.0,   // click
      4.0,   // add_to_cart
      -1.0,  // remove_from_cart
      10.0,  // purchase
      3.0,   // rating
      5.0,   // favorite
      -5.0,  // dislike
      0.0,   // search (carries no item)
  };
  // Items a shopper had an event of these types with are not recommended to them again.
  std::vector<EventType> exclude_types = {EventType::kPurchase, EventType::kDislike};
  int64_t max_future_ms = 24LL * 3600 * 1000;  // timestamps further ahead than this are rejected

  // --- sessions ---
  // An event with a user but no session joins the user's current session, or starts a new one
  // ("<user>@<time>") after this much inactivity; 0 turns derivation off.
  int session_gap_minutes = 30;
  // A session inactive this long no longer serves its history; 0 keeps sessions forever.
  int session_ttl_minutes = 24 * 60;

  // --- online state ---
  int history_size = 200;  // recent events kept per shopper for live scoring
  double popularity_half_life_hours = 168;  // time decay of the popularity counters
  double trending_short_half_life_hours = 6;  // "now" window of trending
  double trending_long_half_life_hours = 168;  // baseline window of trending

  // --- models ---
  int knn_neighbors = 50;        // neighbours kept per item at build time
  double knn_shrink = 10.0;      // shrinkage of cosine towards 0 for items with few shoppers
  int knn_max_user_items = 500;  // most recent items per shopper used to build the table
  double history_decay = 0.97;   // weight of the i-th most recent history event is decay^i
  // Models trained beside the neighbour table whose candidates are blended into personalized
  // lists: "SPEC" or "WEIGHT*SPEC", e.g. "0.5*ease(l2=500)". Each list is normalised by its best
  // score, weighted and summed with the item-kNN list (weight 1).
  std::vector<std::string> blend_models;
  int knn_history_items = 30;    // a request scores at most this many of the shopper's items
                                 // (the strongest), bounding its work to this x knn_neighbors

  // --- recommendations ---
  // floor(n x exploration_share) places at the end of a personalized list of n go to the newest
  // catalog items with fewer than exploration_max_events events, so new items gather evidence.
  double exploration_share = 0.05;
  int exploration_max_events = 5;
  // A shopper with no history gets the items popular among shoppers who share these attributes
  // (of PUT /v1/users/{user}); without any, what is trending.
  std::vector<std::string> cohort_attributes = {"age_band", "gender", "city", "country", "segment"};

  // --- search ---
  std::string search_language = "english";  // Snowball stemmer for the text index, or "none"
  double search_text_weight = 1.0;       // blend of a search hit's score: text relevance (BM25),
  double search_affinity_weight = 0.5;   // the shopper's affinity (neighbours of their history,
  double search_popularity_weight = 0.2; // shared categories and brands), popularity, and what
  double search_chosen_weight = 1.0;     // shoppers chose after the same query; each in [0, 1]
  // Within-document weights of the indexed fields; `search_properties` names the item
  // properties indexed too (string values, or arrays of them), e.g. "tags", "material".
  int search_title_weight = 3;
  int search_brand_weight = 2;
  int search_category_weight = 2;
  int search_description_weight = 1;
  int search_property_weight = 1;
  std::vector<std::string> search_properties = {"tags"};

  // --- push (server-sent events) ---
  int push_min_new_items = 1;      // a stream is sent a new list when this many items entered its top n
  int push_heartbeat_seconds = 15;  // a comment on a quiet stream, so proxies keep it open

  // --- dashboard ---
  // The HTML report (recd eval --html) the dashboard shows; a relative path is in data_dir.
  std::string dashboard_report = "eval-report.html";

  // --- webhooks ---
  int webhook_max_attempts = 8;             // then the delivery goes to the dead-letter list
  double webhook_retry_base_seconds = 1.0;  // the n-th retry waits base x 2^(n-1), at most an hour
  double webhook_timeout_seconds = 10.0;    // per attempt
  std::string webhook_ca_file;              // further CAs (PEM) trusted for https receivers

  // --- training ---
  int retrain_interval_seconds = 600;  // 0 disables the schedule
  int retrain_min_new_events = 1;      // a scheduled retrain is skipped below this many new events

  // --- recommendations ---
  int default_n = 10;  // list length when the request names none
  int max_n = 1000;    // longest list a request may ask for
};

}  // namespace recd
