#include "engine/model_snapshot.h"

#include <charconv>
#include <thread>

#include "core/clock.h"
#include "core/coding.h"
#include "data/interactions.h"
#include "models/snapshot_io.h"
#include "models/spec.h"
#include "storage/store.h"

namespace recd {

namespace {

std::string BlendTag(size_t i) {
  char tag[8];
  std::snprintf(tag, sizeof(tag), "B%03zu", i % 1000);
  return tag;
}

}  // namespace

Status ParseBlendEntry(const std::string& entry, double* weight, std::string* spec) {
  *weight = 1.0;
  *spec = entry;
  const size_t star = entry.find('*');
  const size_t paren = entry.find('(');
  if (star == std::string::npos || (paren != std::string::npos && star > paren)) return Status::OK();
  const std::string w = entry.substr(0, star);
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), *weight);
  if (ec != std::errc() || p != w.data() + w.size() || !(*weight > 0)) {
    return Status::InvalidArgument("models.blend: '" + entry + "': expected WEIGHT*SPEC with a positive weight");
  }
  *spec = entry.substr(star + 1);
  return Status::OK();
}

void EncodeSnapshot(const ModelSnapshot& s, std::string* out) {
  SnapshotWriter w("engine");
  std::string info;
  PutFixed<uint64_t>(&info, s.info.version);
  PutFixed<int64_t>(&info, s.info.built_at_ms);
  PutFixed<uint64_t>(&info, s.info.events_used);
  PutFixed<int64_t>(&info, s.info.train_ms);
  w.Section("INFO", info);
  w.Section("KNNS", s.knn.params().Spec());
  w.Array<uint64_t>("KNNO", s.knn.offsets());
  w.Array<Neighbor>("KNNN", s.knn.neighbors());
  std::string count;
  PutFixed<uint32_t>(&count, static_cast<uint32_t>(s.blend.size()));
  w.Section("BLND", count);
  for (size_t i = 0; i < s.blend.size(); ++i) {
    std::string entry;
    PutFixed<double>(&entry, s.blend[i].weight);
    entry += s.blend[i].model->Save();
    w.Section(BlendTag(i), entry);
  }
  *out = w.Finish();
}

Result<std::shared_ptr<const ModelSnapshot>> DecodeSnapshot(std::string_view bytes) {
  Result<SnapshotReader> reader = SnapshotReader::Open(bytes);
  if (!reader.ok()) return reader.status();
  if (reader->spec() != "engine") return Status::Corruption("model snapshot: not an engine snapshot");
  auto s = std::make_shared<ModelSnapshot>();
  Result<std::string_view> info = reader->Section("INFO");
  if (!info.ok()) return info.status();
  Decoder d(*info);
  if (!(d.Fixed(&s->info.version) && d.Fixed(&s->info.built_at_ms) && d.Fixed(&s->info.events_used) &&
        d.Fixed(&s->info.train_ms))) {
    return Status::Corruption("model snapshot: INFO is truncated");
  }
  // The neighbour table.
  Result<std::string_view> knn_spec = reader->Section("KNNS");
  if (!knn_spec.ok()) return knn_spec.status();
  Result<ModelSpec> parsed = ModelSpec::Parse(std::string(*knn_spec));
  ItemKnnParams params;
  if (!parsed.ok() || !parsed->GetInt("k", 50, 1, 1 << 20, &params.k).ok() ||
      !parsed->GetDouble("shrink", 10, 0, 1e9, &params.shrink).ok()) {
    return Status::Corruption("model snapshot: bad neighbour table spec");
  }
  std::vector<uint64_t> offsets;
  std::vector<Neighbor> pairs;
  RECD_RETURN_IF_ERROR(reader->Array("KNNO", &offsets));
  RECD_RETURN_IF_ERROR(reader->Array("KNNN", &pairs));
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    if (offsets[i] > offsets[i + 1]) return Status::Corruption("model snapshot: bad offsets");
  }
  if (!offsets.empty() && offsets.back() != pairs.size()) {
    return Status::Corruption("model snapshot: offsets do not match the pair count");
  }
  for (const Neighbor& n : pairs) {
    if (size_t{n.item} + 1 >= offsets.size()) return Status::Corruption("model snapshot: item out of range");
  }
  s->knn = ItemKnnModel::FromTable(params, std::move(offsets), std::move(pairs));
  s->info.spec = s->knn.params().Spec();
  s->info.items = s->knn.num_items();
  s->info.neighbor_pairs = s->knn.num_pairs();
  // Blended models.
  Result<std::string_view> count_bytes = reader->Section("BLND");
  if (!count_bytes.ok()) return count_bytes.status();
  uint32_t count = 0;
  Decoder c(*count_bytes);
  if (!c.Fixed(&count) || count > 1000) return Status::Corruption("model snapshot: BLND is malformed");
  for (uint32_t i = 0; i < count; ++i) {
    Result<std::string_view> entry = reader->Section(BlendTag(i));
    if (!entry.ok()) return entry.status();
    if (entry->size() < sizeof(double)) return Status::Corruption("model snapshot: blended model is truncated");
    ModelSnapshot::Blended b;
    std::memcpy(&b.weight, entry->data(), sizeof(double));
    Result<std::unique_ptr<Recommender>> model = LoadRecommender(entry->substr(sizeof(double)));
    if (!model.ok()) return model.status();
    b.model = std::move(model).value();
    s->info.blend.push_back({b.model->Spec(), b.weight});
    s->blend.push_back(std::move(b));
  }
  return std::shared_ptr<const ModelSnapshot>(std::move(s));
}

Result<std::shared_ptr<const ModelSnapshot>> TrainSnapshot(const Store& store, const Options& options,
                                                           uint32_t num_items, uint64_t version,
                                                           const std::vector<ItemText>* item_text) {
  const int64_t start_us = MonotonicMicros();
  auto s = std::make_shared<ModelSnapshot>();
  s->info.built_at_ms = NowMs();
  MatrixBuildStats stats;
  std::vector<std::vector<UserEvent>> sessions;  // for blended session models
  Result<InteractionMatrix> matrix = BuildInteractionMatrix(
      store, options.event_weights, num_items, options.knn_max_user_items, &stats,
      options.blend_models.empty() ? nullptr : &sessions);
  if (!matrix.ok()) return matrix.status();
  for (auto& session : sessions) {  // the log is in arrival order; models want time order
    std::stable_sort(session.begin(), session.end(),
                     [](const UserEvent& a, const UserEvent& b) { return a.timestamp_ms < b.timestamp_ms; });
  }
  ItemKnnParams params{options.knn_neighbors, options.knn_shrink};
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  s->knn = ItemKnnModel::Build(*matrix, params, threads);
  for (const std::string& entry : options.blend_models) {
    ModelSnapshot::Blended b;
    std::string spec;
    RECD_RETURN_IF_ERROR(ParseBlendEntry(entry, &b.weight, &spec));
    Result<std::unique_ptr<Recommender>> model =
        TrainRecommender(spec, TrainingData{*matrix, stats.last_time_ms, &sessions, item_text});
    if (!model.ok()) return model.status().WithContext("models.blend: ");
    b.model = std::move(model).value();
    s->info.blend.push_back({b.model->Spec(), b.weight});
    s->blend.push_back(std::move(b));
  }
  s->info.version = version;
  s->info.spec = params.Spec();
  s->info.events_used = stats.events_read;
  s->info.items = s->knn.num_items();
  s->info.neighbor_pairs = s->knn.num_pairs();
  s->info.train_ms = (MonotonicMicros() - start_us) / 1000;
  return std::shared_ptr<const ModelSnapshot>(std::move(s));
}

}  // namespace recd
