#include "cli/demo_shop.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "core/clock.h"

namespace recd::cli {

namespace {

struct Category {
  const char* path;
  const char* noun;
  double price;  // median price
  int complement;  // index of a category bought with it, or -1
};

// Department/category paths with the noun used in titles and a typical price.
const std::vector<Category>& Categories() {
  static const std::vector<Category> c = {
      {"electronics/phones", "Smartphone", 420, 1},
      {"electronics/phone-accessories", "Phone Case", 18, 0},
      {"electronics/audio/headphones", "Wireless Headphones", 120, 3},
      {"electronics/audio/speakers", "Bluetooth Speaker", 80, 2},
      {"electronics/laptops", "Laptop", 950, 5},
      {"electronics/laptop-accessories", "Laptop Sleeve", 30, 4},
      {"home/kitchen/kettles", "Electric Kettle", 45, 7},
      {"home/kitchen/mugs", "Ceramic Mug", 12, 6},
      {"home/kitchen/cookware", "Frying Pan", 55, 9},
      {"home/kitchen/knives", "Chef Knife", 65, 8},
      {"home/bedding", "Duvet Cover", 70, 11},
      {"home/pillows", "Pillow", 35, 10},
      {"sports/running/shoes", "Running Shoes", 110, 13},
      {"sports/running/apparel", "Running Shirt", 35, 12},
      {"sports/yoga", "Yoga Mat", 40, 15},
      {"sports/fitness", "Dumbbell Set", 90, 14},
      {"books/fiction", "Novel", 15, 17},
      {"books/cooking", "Cookbook", 28, 8},
      {"toys/building", "Building Set", 60, 19},
      {"toys/puzzles", "Puzzle", 22, 18},
      {"beauty/skincare", "Face Cream", 30, 21},
      {"beauty/haircare", "Shampoo", 12, 20},
      {"garden/tools", "Pruning Shears", 25, 23},
      {"garden/plants", "Potted Plant", 20, 22},
  };
  return c;
}

const char* kBrands[] = {"Acme", "Northwind", "Lumen", "Kestrel", "Orbit", "Verde", "Pinnacle",
                         "Solace", "Tandem", "Quill", "Harbor", "Nimbus", "Ember", "Cobalt"};
const char* kAdjectives[] = {"Classic", "Pro", "Compact", "Deluxe", "Eco", "Ultra", "Smart",
                             "Essential", "Premium", "Lite", "Max", "Urban", "Nordic", "Vintage"};
const char* kColors[] = {"Black", "White", "Blue", "Red", "Green", "Grey", "Sand", "Navy"};

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

struct DemoItem {
  int category;
  double appeal;  // popularity weight within its category (Zipf-like)
};

}  // namespace

Status WriteDemoShop(const DemoShopOptions& o, const std::string& dir, uint64_t* events_written) {
  std::mt19937_64 rng(o.seed);
  auto uniform = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  auto pick = [&](size_t n) { return static_cast<size_t>(std::uniform_int_distribution<size_t>(0, n - 1)(rng)); };
  const auto& cats = Categories();

  std::FILE* catalog = std::fopen((dir + "/catalog.jsonl").c_str(), "w");
  if (!catalog) return Status::IOError("cannot write " + dir + "/catalog.jsonl");
  std::vector<DemoItem> items;
  std::vector<std::vector<int>> by_category(cats.size());
  for (int i = 0; i < o.items; ++i) {
    int c = static_cast<int>(pick(cats.size()));
    int rank = static_cast<int>(by_category[c].size()) + 1;
    items.push_back({c, 1.0 / std::pow(rank, 0.9)});
    by_category[c].push_back(i);
    const Category& cat = cats[c];
    std::string brand = kBrands[pick(std::size(kBrands))];
    std::string title = fmt::format("{} {} {} {}", brand, kAdjectives[pick(std::size(kAdjectives))],
                                    cat.noun, kColors[pick(std::size(kColors))]);
    double price = std::round(cat.price * std::exp(std::normal_distribution<double>(0, 0.35)(rng)) * 100) / 100;
    bool available = uniform(0, 1) > 0.03;
    std::fprintf(catalog,
                 "{\"id\":\"sku-%05d\",\"title\":\"%s\",\"description\":\"%s by %s, a %s for everyday use.\","
                 "\"categories\":[\"%s\"],\"brand\":\"%s\",\"price\":%.2f,\"available\":%s,"
                 "\"properties\":{\"color\":\"%s\"}}\n",
                 i, Escape(title).c_str(), Escape(title).c_str(), brand.c_str(), cat.noun, cat.path,
                 brand.c_str(), price, available ? "true" : "false", kColors[pick(std::size(kColors))]);
  }
  std::fclose(catalog);

  // Per-category cumulative appeal for weighted picks.
  std::vector<std::discrete_distribution<int>> in_category;
  for (const auto& members : by_category) {
    std::vector<double> w;
    for (int i : members) w.push_back(items[i].appeal);
    if (w.empty()) w.push_back(1);
    in_category.emplace_back(w.begin(), w.end());
  }
  auto item_in = [&](int c) { return by_category[c].empty() ? 0 : by_category[c][in_category[c](rng)]; };

  // Each user likes two or three categories.
  std::vector<std::vector<int>> likes(o.users);
  for (auto& l : likes) {
    int n = 2 + static_cast<int>(pick(2));
    for (int k = 0; k < n; ++k) l.push_back(static_cast<int>(pick(cats.size())));
  }

  // Registered shoppers' attributes: an age band, a city, and a segment named after the
  // department of the first category they like, so that cohorts say something about tastes.
  std::FILE* users = std::fopen((dir + "/users.jsonl").c_str(), "w");
  if (!users) return Status::IOError("cannot write " + dir + "/users.jsonl");
  static const char* kAgeBands[] = {"18-24", "25-34", "35-44", "45-54", "55+"};
  static const char* kCities[] = {"Berlin", "Lyon", "Madrid", "Milan", "Paris", "Warsaw"};
  for (size_t u = 0; u < likes.size(); ++u) {
    const std::string path = cats[likes[u][0]].path;
    std::fprintf(users, "{\"id\":\"u-%04zu\",\"attributes\":{\"age_band\":\"%s\",\"city\":\"%s\",\"segment\":\"%s\"}}\n", u,
                 kAgeBands[pick(std::size(kAgeBands))], kCities[pick(std::size(kCities))],
                 path.substr(0, path.find('/')).c_str());
  }
  std::fclose(users);

  std::FILE* events = std::fopen((dir + "/events.jsonl").c_str(), "w");
  if (!events) return Status::IOError("cannot write " + dir + "/events.jsonl");
  const int64_t end_ms = o.end_ms ? o.end_ms : NowMs();
  const int64_t span_ms = static_cast<int64_t>(o.days) * 24 * 3600 * 1000;
  uint64_t written = 0;
  auto emit = [&](const std::string& who, int item, const char* type, int64_t ts) {
    std::fprintf(events, "{%s,\"item\":\"sku-%05d\",\"type\":\"%s\",\"timestamp\":%lld}\n",
                 who.c_str(), item, type, static_cast<long long>(ts));
    ++written;
  };
  // Sessions in time order, so the log reads like a real stream.
  std::vector<int64_t> starts(o.sessions);
  for (auto& s : starts) s = end_ms - span_ms + static_cast<int64_t>(uniform(0, 1) * (span_ms - 3600 * 1000));
  std::sort(starts.begin(), starts.end());
  for (int s = 0; s < o.sessions; ++s) {
    const bool anonymous = uniform(0, 1) < 0.25;
    const int user = static_cast<int>(pick(likes.size()));
    const std::string who = anonymous
        ? fmt::format("\"session\":\"s-{}\"", s)
        : fmt::format("\"user\":\"u-{:04d}\",\"session\":\"s-{}\"", user, s);
    const std::vector<int>& liked = anonymous ? likes[pick(likes.size())] : likes[user];
    int64_t ts = starts[s];
    int category = liked[pick(liked.size())];
    const int views = 2 + static_cast<int>(std::min(20.0, std::exponential_distribution<double>(0.25)(rng)));
    for (int v = 0; v < views; ++v) {
      if (uniform(0, 1) < 0.15) category = liked[pick(liked.size())];
      if (uniform(0, 1) < 0.05) category = static_cast<int>(pick(cats.size()));
      int item = item_in(category);
      ts += static_cast<int64_t>(uniform(5, 90) * 1000);
      emit(who, item, "view", ts);
      if (uniform(0, 1) < 0.3) emit(who, item, "click", ts += 2000);
      if (uniform(0, 1) < 0.08) {
        emit(who, item, "add_to_cart", ts += 5000);
        if (uniform(0, 1) < 0.45) {
          emit(who, item, "purchase", ts += 60000);
          // After a purchase shoppers often look at complements.
          if (cats[category].complement >= 0 && uniform(0, 1) < 0.6) category = cats[category].complement;
        } else if (uniform(0, 1) < 0.3) {
          emit(who, item, "remove_from_cart", ts += 20000);
        }
      }
      if (uniform(0, 1) < 0.01) emit(who, item, "favorite", ts += 1000);
    }
  }
  std::fclose(events);
  *events_written = written;
  return Status::OK();
}

}  // namespace recd::cli
