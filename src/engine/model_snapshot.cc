#include "engine/model_snapshot.h"

#include <thread>

#include "core/clock.h"
#include "core/coding.h"
#include "data/interactions.h"
#include "storage/store.h"

namespace recd {

namespace {
constexpr std::string_view kMagic = "RECDSNAP";
constexpr uint32_t kFormatVersion = 1;

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return h;
}
}  // namespace

void EncodeSnapshot(const ModelSnapshot& s, std::string* out) {
  out->clear();
  out->append(kMagic);
  PutFixed<uint32_t>(out, kFormatVersion);
  PutLengthPrefixed(out, s.info.spec);
  PutFixed<uint64_t>(out, s.info.version);
  PutFixed<int64_t>(out, s.info.built_at_ms);
  PutFixed<uint64_t>(out, s.info.events_used);
  PutFixed<int64_t>(out, s.info.train_ms);
  PutFixed<double>(out, s.knn.params().shrink);
  PutFixed<int32_t>(out, s.knn.params().k);
  PutFixed<uint64_t>(out, s.knn.offsets().size());
  for (uint64_t o : s.knn.offsets()) PutFixed<uint64_t>(out, o);
  PutFixed<uint64_t>(out, s.knn.neighbors().size());
  for (const Neighbor& n : s.knn.neighbors()) {
    PutFixed<uint32_t>(out, n.item);
    PutFixed<float>(out, n.similarity);
  }
  PutFixed<uint64_t>(out, Fnv1a(*out));
}

Result<std::shared_ptr<const ModelSnapshot>> DecodeSnapshot(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 12 || bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::Corruption("model snapshot: bad magic");
  }
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  uint64_t stored_sum = 0;
  Decoder tail(bytes.substr(bytes.size() - 8));
  (void)tail.Fixed(&stored_sum);
  Decoder d(body.substr(kMagic.size()));
  uint32_t version = 0;
  if (!d.Fixed(&version) || version != kFormatVersion) {
    return Status::Corruption("model snapshot: unsupported format version " + std::to_string(version));
  }
  if (Fnv1a(body) != stored_sum) return Status::Corruption("model snapshot: checksum mismatch");

  auto s = std::make_shared<ModelSnapshot>();
  ItemKnnParams params;
  uint64_t n_offsets = 0, n_pairs = 0;
  bool ok = d.LengthPrefixed(&s->info.spec) && d.Fixed(&s->info.version) &&
            d.Fixed(&s->info.built_at_ms) && d.Fixed(&s->info.events_used) &&
            d.Fixed(&s->info.train_ms) && d.Fixed(&params.shrink) && d.Fixed(&params.k) &&
            d.Fixed(&n_offsets) && n_offsets <= body.size() / 8;
  std::vector<uint64_t> offsets(ok ? n_offsets : 0);
  for (size_t i = 0; ok && i < offsets.size(); ++i) ok = d.Fixed(&offsets[i]);
  ok = ok && d.Fixed(&n_pairs) && n_pairs <= body.size() / 8;
  std::vector<Neighbor> pairs(ok ? n_pairs : 0);
  for (size_t i = 0; ok && i < pairs.size(); ++i) ok = d.Fixed(&pairs[i].item) && d.Fixed(&pairs[i].similarity);
  if (!ok || !d.done()) return Status::Corruption("model snapshot: truncated");
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
  s->info.items = s->knn.num_items();
  s->info.neighbor_pairs = s->knn.num_pairs();
  return std::shared_ptr<const ModelSnapshot>(std::move(s));
}

Result<std::shared_ptr<const ModelSnapshot>> TrainSnapshot(const Store& store, const Options& options,
                                                           uint32_t num_items, uint64_t version) {
  const int64_t start_us = MonotonicMicros();
  auto s = std::make_shared<ModelSnapshot>();
  s->info.built_at_ms = NowMs();
  MatrixBuildStats stats;
  Result<InteractionMatrix> matrix = BuildInteractionMatrix(
      store, options.event_weights, num_items, options.knn_max_user_items, &stats);
  if (!matrix.ok()) return matrix.status();
  ItemKnnParams params{options.knn_neighbors, options.knn_shrink};
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  s->knn = ItemKnnModel::Build(*matrix, params, threads);
  s->info.version = version;
  s->info.spec = params.Spec();
  s->info.events_used = stats.events_read;
  s->info.items = s->knn.num_items();
  s->info.neighbor_pairs = s->knn.num_pairs();
  s->info.train_ms = (MonotonicMicros() - start_us) / 1000;
  return std::shared_ptr<const ModelSnapshot>(std::move(s));
}

}  // namespace recd
