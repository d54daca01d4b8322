// JSON <-> recd's request and response structs: the only place JSON is read or written.
//
// Parsing (simdjson on-demand) is strict: unknown fields, wrong types and invalid UTF-8 are
// InvalidArgument errors that name the field ("events[3].timestamp: expected an integer").
// Writing uses RapidJSON's Writer, no DOM.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "recd/engine.h"
#include "recd/event.h"
#include "recd/item.h"
#include "recd/status.h"
#include "server/webhooks.h"

namespace recd::json {

// The event payload of POST /v1/events: one object, an array of objects, or NDJSON (one object
// per line). A malformed document as a whole fails the call; otherwise `events` gets one entry
// per record and `record_status` says for each whether it parsed ("events[i].field: ...").
// `batch` is set when the body was an array or NDJSON.
Status ParseEvents(std::string_view body, std::vector<Event>* events,
                   std::vector<Status>* record_status, bool* batch);

// One item object (PUT /v1/items/{id}); `path_key` is the id from the URL, which must match an
// "id" field if the body has one.
Status ParseItem(std::string_view body, const std::string& path_key, Item* item);
// An array of item objects, or NDJSON, for POST /v1/items; errors say which record.
Status ParseItems(std::string_view body, std::vector<Item>* items);
// A JSON object of free attributes for PUT /v1/users/{id}.
Status ParseUserAttributes(std::string_view body, std::string* attributes_json);
// {"id": ..., "attributes": {...}}, as GET /v1/users/{id} writes it (a line of users JSONL).
Status ParseUser(std::string_view body, User* user);
// POST /v1/webhooks: {"url": ..., "triggers": [...], "users": [...], "secret": ...}.
Status ParseWebhook(std::string_view body, Webhook* hook);

// Validates UTF-8 of text read from files and URLs.
bool ValidUtf8(std::string_view text);

std::string ErrorBody(const Status& status);
std::string RecommendationsBody(const std::vector<Recommendation>& list, std::string_view recomm_id);
std::string ItemBody(const Item& item);
// {"recomm_id","items":[{"item","score","reason"[,"explain":{"text","affinity","popularity"}]}]}
std::string SearchBody(const std::vector<SearchHit>& hits, bool explain, std::string_view recomm_id);
// {"suggestions":[...]}
std::string SuggestBody(const std::vector<std::string>& suggestions);
// {"events":[{"item":..,"type":..,"timestamp":..}]}, newest first.
std::string HistoryBody(const std::vector<HistoryEvent>& events);
std::string UserBody(const User& user);
// {"history":[...],"sources":[{"name","candidates":[{"item","score","removed_by"}]}],"list":{...}}
std::string InspectionBody(const std::vector<HistoryEvent>& history, const std::vector<InspectedSource>& sources,
                           const std::vector<Recommendation>& list);
// One webhook; the secret only when `with_secret` (the answer to its registration).
std::string WebhookBody(const Webhook& hook, bool with_secret);
// {"webhooks":[...]}
std::string WebhooksBody(const std::vector<Webhook>& hooks);
// {"pending":[...],"dead_letters":[...]}: id, webhook, attempts, next_ms, last_error, body.
std::string DeliveriesBody(const std::vector<Delivery>& pending, const std::vector<Delivery>& dead);
std::string ModelBody(const ModelInfo& info, const EngineStats& stats);
// {"accepted":N,"rejected":M,"errors":[{"index":i,"code":...,"message":...}]}
std::string IngestBody(const std::vector<Status>& statuses);

}  // namespace recd::json
