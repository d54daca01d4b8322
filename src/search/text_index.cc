#include "search/text_index.h"

#include <xapian.h>

#include <algorithm>
#include <filesystem>

#include "catalog/catalog.h"

namespace recd {

namespace {

constexpr unsigned kFlags = Xapian::TermGenerator::FLAG_CJK_NGRAM;

Xapian::Stem Stemmer(const std::string& language) {
  if (language.empty() || language == "none") return Xapian::Stem();
  return Xapian::Stem(language);
}

constexpr const char* kOptionsKey = "recd.options";

}  // namespace

std::string TextIndexOptions::Fingerprint() const {
  std::string s = language + "|" + std::to_string(title_weight) + "," + std::to_string(brand_weight) + "," +
                  std::to_string(category_weight) + "," + std::to_string(description_weight) + "," +
                  std::to_string(property_weight) + "|";
  for (const std::string& p : properties) s += p + ";";
  return s;
}

Result<std::unique_ptr<TextIndex>> TextIndex::Open(const std::string& dir, const TextIndexOptions& options,
                                                   bool* recreated) {
  *recreated = false;
  std::unique_ptr<TextIndex> index(new TextIndex());
  index->options_ = options;
  try {
    (void)Stemmer(options.language);
  } catch (const Xapian::Error& e) {
    return Status::InvalidArgument("search.language: " + e.get_msg());
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      index->db_ = std::make_unique<Xapian::WritableDatabase>(dir, Xapian::DB_CREATE_OR_OPEN);
      const std::string fingerprint = options.Fingerprint();
      if (index->db_->get_metadata(kOptionsKey) != fingerprint) {
        // New, or built with other fields or weights: refilled from the catalog.
        *recreated = *recreated || index->db_->get_doccount() > 0;
        for (Xapian::docid id = index->db_->get_lastdocid(); id > 0 && index->db_->get_doccount() > 0; --id) {
          try {
            index->db_->delete_document(id);
          } catch (const Xapian::DocNotFoundError&) {
          }
        }
        index->db_->set_metadata(kOptionsKey, fingerprint);
        index->db_->commit();
      }
      return index;
    } catch (const Xapian::DatabaseLockError& e) {
      return Status::IOError("search index '" + dir + "' is locked (another recd?): " + e.get_msg());
    } catch (const Xapian::Error& e) {
      if (attempt > 0) return Status::IOError("search index '" + dir + "': " + e.get_msg());
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);  // damaged: start afresh, the catalog refills it
      *recreated = true;
    }
  }
  return Status::Internal("unreachable");
}

TextIndex::~TextIndex() {
  if (!db_) return;
  try {
    db_->commit();
  } catch (const Xapian::Error&) {
  }
}

Status TextIndex::Upsert(ItemIdx idx, const Item& item) {
  std::lock_guard<std::mutex> lock(mu_);
  const Xapian::docid id = idx + 1;
  try {
    if (item.hidden) {
      if (id <= db_->get_lastdocid()) db_->delete_document(id);
      return Status::OK();
    }
    Xapian::Document doc;
    Xapian::TermGenerator gen;
    gen.set_stemmer(Stemmer(options_.language));
    gen.set_flags(kFlags);
    gen.set_document(doc);
    gen.index_text(item.title, options_.title_weight);
    gen.increase_termpos();
    gen.index_text(item.brand, options_.brand_weight);
    for (const std::string& c : item.categories) {
      gen.increase_termpos();
      std::string words = c;
      std::replace(words.begin(), words.end(), '/', ' ');
      gen.index_text(words, options_.category_weight);
    }
    gen.increase_termpos();
    gen.index_text(item.description, options_.description_weight);
    for (const std::string& value : PropertyValues(item.properties_json, options_.properties)) {
      gen.increase_termpos();
      gen.index_text(value, options_.property_weight);
    }
    db_->replace_document(id, doc);
    return Status::OK();
  } catch (const Xapian::Error& e) {
    return Status::IOError("search index: " + e.get_msg());
  }
}

Status TextIndex::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    db_->commit();
    return Status::OK();
  } catch (const Xapian::Error& e) {
    return Status::IOError("search index: " + e.get_msg());
  }
}

uint64_t TextIndex::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return db_->get_doccount();
}

Result<std::vector<Scored>> TextIndex::Search(const std::string& query, size_t n,
                                              const std::function<bool(ItemIdx)>& keep) const {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Xapian::QueryParser parser;
    parser.set_database(*db_);
    parser.set_stemmer(Stemmer(options_.language));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_default_op(Xapian::Query::OP_OR);
    const Xapian::Query q = parser.parse_query(
        query, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM);
    Xapian::Enquire enquire(*db_);
    enquire.set_query(q);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    struct Decider : Xapian::MatchDecider {
      const std::function<bool(ItemIdx)>* keep;
      bool operator()(const Xapian::Document& doc) const override { return (*keep)(doc.get_docid() - 1); }
    } decider;
    decider.keep = &keep;
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(n), nullptr, &decider);
    std::vector<Scored> out;
    for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back({*it - 1, it.get_weight()});
    return out;
  } catch (const Xapian::QueryParserError& e) {
    return Status::InvalidArgument("q: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    return Status::IOError("search index: " + e.get_msg());
  }
}

Result<std::vector<Scored>> TextIndex::MoreLikeThis(ItemIdx idx, size_t n,
                                                    const std::function<bool(ItemIdx)>& keep) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Xapian::docid id = idx + 1;
  try {
    if (id > db_->get_lastdocid() || db_->get_doclength(id) == 0) return std::vector<Scored>{};
  } catch (const Xapian::DocNotFoundError&) {
    return std::vector<Scored>{};
  } catch (const Xapian::Error& e) {
    return Status::IOError("search index: " + e.get_msg());
  }
  try {
    Xapian::Enquire enquire(*db_);
    Xapian::RSet rset;
    rset.add_document(id);
    const Xapian::ESet terms = enquire.get_eset(20, rset);
    if (terms.empty()) return std::vector<Scored>{};
    enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    struct Decider : Xapian::MatchDecider {
      const std::function<bool(ItemIdx)>* keep;
      Xapian::docid self;
      bool operator()(const Xapian::Document& doc) const override {
        return doc.get_docid() != self && (*keep)(doc.get_docid() - 1);
      }
    } decider;
    decider.keep = &keep;
    decider.self = id;
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(n), nullptr, &decider);
    std::vector<Scored> out;
    for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back({*it - 1, it.get_weight()});
    return out;
  } catch (const Xapian::Error& e) {
    return Status::IOError("search index: " + e.get_msg());
  }
}

}  // namespace recd
