/* The London story, told through the C ABI: a handset built and paired at
 * the factory, reported stolen, its screen harvested and offered to a
 * repair shop → BLOCKED; a clean donor screen → genuine, used, clean; a
 * counterfeit → untrusted; a keyed battery proving its key; the handset's
 * boot self-check; an attempted blocklist rollback → refused, even after a
 * restart. Every verdict field is read. */
#include "world.h"

static world w;

static void check_blocked_listing(const partcert_blocklist_status *status,
                                  const uint8_t part_id[32]) {
    partcert_blocklist_state state = 0;
    partcert_listing listing;
    partcert_list_checked list;
    size_t count = 0, len = 0;
    bool stale = true;
    char name[64];
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    OK(partcert_blocklist_status_is_stale(status, &stale));
    CHECK(!stale);
    OK(partcert_blocklist_status_listing_count(status, &count));
    CHECK(count == 1);
    OK(partcert_blocklist_status_listing(status, 0, &listing));
    CHECK(listing.matched_kind == PARTCERT_BLOCK_KEY_KIND_PART);
    CHECK(memcmp(listing.matched_part_id, part_id, 32) == 0);
    CHECK(listing.matched_imei == 0);
    CHECK(listing.sequence == 2);
    CHECK(listing.reason == PARTCERT_REASON_STOLEN);
    CHECK(listing.listed_at == STOLEN_AT);
    CHECK(listing.status == PARTCERT_LISTING_STATUS_FINAL);
    CHECK(listing.has_handset);
    CHECK(listing.handset_imei == IMEI_A);
    {
        uint8_t register_id[32];
        OK(partcert_authority_key_id(w.register_root, register_id));
        CHECK(memcmp(listing.authority_key_id, register_id, 32) == 0);
        OK(partcert_blocklist_status_list_count(status, &count));
        CHECK(count == 1);
        OK(partcert_blocklist_status_list(status, 0, &list));
        CHECK(memcmp(list.authority_key_id, register_id, 32) == 0);
    }
    CHECK(list.sequence == 2);
    CHECK(list.expires_at == S2_AT + LIST_LIFE);
    CHECK(!list.stale);
    OK(partcert_blocklist_status_listing_authority_name(status, 0, name, sizeof name, &len));
    CHECK_STR(name, "UK National Register");
    OK(partcert_blocklist_status_list_authority_name(status, 0, name, sizeof name, &len));
    CHECK_STR(name, "UK National Register");
}

/* The stolen handset's screen, harvested and offered bare to a repair shop. */
static void harvested_screen_is_blocked(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    uint8_t part_id[32], fingerprint[32], root_id[32], line_id[32], id[32];
    uint16_t kind = 0;
    size_t count = 9;
    bool flag = false;
    uint64_t checked_at = 0;
    partcert_binding binding = 0;
    partcert_relation relation = 0;
    partcert_provenance provenance;

    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    CHECK(verdict != NULL);
    OK(partcert_verdict_is_blocked(verdict, &flag));
    CHECK(flag);
    OK(partcert_verdict_is_stale(verdict, &flag));
    CHECK(!flag);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, BLOCKED: stolen");
    OK(partcert_verdict_part_kind(verdict, &kind));
    CHECK(kind == PARTCERT_PART_KIND_SCREEN);
    CHECK_STR(vstr(partcert_verdict_part_kind_name, verdict), "screen");
    CHECK_STR(vstr(partcert_verdict_manufacturer, verdict), "Acme");
    CHECK_STR(vstr(partcert_verdict_model, verdict), "A1");
    CHECK_STR(vstr(partcert_verdict_serial, verdict), "SCR-A");
    CHECK_STR(vstr(partcert_verdict_issuer_name, verdict), "Acme line 3");
    CHECK_STR(vstr(partcert_verdict_root_name, verdict), "Acme root");
    OK(partcert_verdict_issuer_key_id(verdict, id));
    OK(partcert_authority_key_id(w.line, line_id));
    CHECK(memcmp(id, line_id, 32) == 0);
    OK(partcert_verdict_root_key_id(verdict, id));
    OK(partcert_authority_key_id(w.root, root_id));
    CHECK(memcmp(id, root_id, 32) == 0);
    OK(partcert_verdict_part_id(verdict, part_id));
    OK(partcert_verdict_fingerprint(verdict, fingerprint));
    CHECK(memcmp(part_id, fingerprint, 32) != 0);
    OK(partcert_verdict_imei_count(verdict, &count));
    CHECK(count == 0);
    OK(partcert_verdict_binding(verdict, &binding));
    CHECK(binding == PARTCERT_BINDING_SERIAL_ONLY);
    OK(partcert_verdict_relation(verdict, &relation));
    CHECK(relation == PARTCERT_RELATION_UNPAIRED);
    flag = true;
    OK(partcert_verdict_provenance(verdict, &flag, &provenance));
    CHECK(!flag);
    CHECK(provenance.handset_imei_count == 0);
    OK(partcert_verdict_checked_at(verdict, &checked_at));
    CHECK(checked_at == NOW);
    OK(partcert_verdict_blocklist(verdict, &status));
    check_blocked_listing(status, part_id);
    {
        const char *json = vstr(partcert_verdict_json, verdict);
        CHECK_CONTAINS(json, "\"state\":\"blocked\"");
        CHECK_CONTAINS(json, "\"serial\":\"SCR-A\"");
        CHECK_CONTAINS(json, "\"reason\":\"stolen\"");
        CHECK_CONTAINS(json, "\"binding\":\"serial-only\"");
    }
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* A thief cannot launder the harvested screen by showing the donor's
 * clean pairing record: the record does not list it. */
static void harvested_screen_with_a_foreign_record_is_refused(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d),
                                                 blen(w.record_d)));
    CHECK_RC(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_PART_NOT_IN_PAIRING_RECORD);
    CHECK(verdict == NULL);
    /* With its own record it is still blocked, now through the handset too. */
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_a),
                                                 blen(w.record_a)));
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    {
        const partcert_blocklist_status *status = NULL;
        size_t count = 0;
        bool blocked = false;
        OK(partcert_verdict_is_blocked(verdict, &blocked));
        CHECK(blocked);
        OK(partcert_verdict_blocklist(verdict, &status));
        OK(partcert_blocklist_status_listing_count(status, &count));
        CHECK(count == 2); /* the part itself and handset A's IMEI */
    }
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), used, BLOCKED: stolen");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* Repair stays open: a genuine used screen from a clean donor handset. */
static void donor_screen_is_genuine_used_clean(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_blocklist_state state = 0;
    partcert_provenance provenance;
    partcert_relation relation = 0;
    partcert_list_checked list;
    size_t count = 9;
    bool present = false;
    uint64_t imei = 0;
    uint8_t pairing_id[32];

    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d),
                                                 blen(w.record_d)));
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    CHECK_STR(vstr(partcert_verdict_summary, verdict), "genuine (serial-only), used, clean");
    OK(partcert_verdict_relation(verdict, &relation));
    CHECK(relation == PARTCERT_RELATION_PAIRED_ELSEWHERE);
    OK(partcert_verdict_provenance(verdict, &present, &provenance));
    CHECK(present);
    CHECK(provenance.pairing_sequence == 1);
    CHECK(provenance.event == PARTCERT_PAIRING_EVENT_FACTORY_BUILD);
    CHECK(provenance.paired_at == T0 + 100);
    CHECK(provenance.handset_imei_count == 1);
    OK(partcert_authority_key_id(w.pairing, pairing_id));
    CHECK(memcmp(provenance.service_key_id, pairing_id, 32) == 0);
    OK(partcert_verdict_provenance_imei(verdict, 0, &imei));
    CHECK(imei == IMEI_D);
    CHECK_STR(vstr(partcert_verdict_provenance_service_name, verdict), "Acme pairing");
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_CLEAN);
    OK(partcert_blocklist_status_listing_count(status, &count));
    CHECK(count == 0);
    OK(partcert_blocklist_status_list_count(status, &count));
    CHECK(count == 1);
    OK(partcert_blocklist_status_list(status, 0, &list));
    CHECK(list.sequence == 2);
    partcert_verdict_free(verdict);

    /* Verified by handset D itself, the screen is at home. */
    {
        const uint64_t host[] = {IMEI_D};
        OK(partcert_verify_part(w.trust, blocklist, host, 1, evidence, NOW, &verdict));
        OK(partcert_verdict_relation(verdict, &relation));
        CHECK(relation == PARTCERT_RELATION_PAIRED_HERE);
        CHECK_STR(vstr(partcert_verdict_summary, verdict),
                  "genuine (serial-only), fitted in this handset, clean");
        partcert_verdict_free(verdict);
    }
    /* Without a blocklist the standing is "not checked". */
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_NOT_CHECKED);
    CHECK_CONTAINS(vstr(partcert_verdict_json, verdict), "\"state\":\"not-checked\"");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* Once the list has expired, a clean answer is marked stale. */
static void an_expired_list_makes_answers_stale(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    partcert_part_evidence *stolen = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_blocklist_state state = 0;
    bool stale = false;
    const uint64_t later = S2_AT + LIST_LIFE + DAY;

    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, donor, later, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_STALE);
    OK(partcert_verdict_is_stale(verdict, &stale));
    CHECK(stale);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, clean but blocklist stale");
    partcert_verdict_free(verdict);

    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, stolen, later, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    OK(partcert_blocklist_status_is_stale(status, &stale));
    CHECK(stale);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(donor);
    partcert_part_evidence_free(stolen);
    partcert_blocklist_free(blocklist);
}

/* A forger's own "Acme root" and "Acme line 3", and a screen they certify. */
static void make_counterfeit(partcert_bytes **line_cert_out, partcert_bytes **screen_out) {
    uint8_t seed[PARTCERT_SEED_LEN];
    const uint16_t kinds[] = {PARTCERT_PART_KIND_SCREEN};
    partcert_authority *fake_root = NULL, *fake_line = NULL;
    seed_of(seed, 66);
    OK(partcert_authority_new_root(seed, PARTCERT_ROLE_MANUFACTURER_ROOT, "Acme root", 9, T0,
                                   YEARS(30), &fake_root));
    fake_line = make_authority(fake_root, PARTCERT_ROLE_PART_ISSUER, "Acme line 3", 67, kinds,
                               1, 2, line_cert_out);
    *screen_out = make_part(fake_line, PARTCERT_PART_KIND_SCREEN, "SCR-FAKE", NULL, 0, NULL, 1);
    partcert_authority_free(fake_line);
    partcert_authority_free(fake_root);
}

/* A counterfeit screen, "certified" by a factory line under a root no
 * verifier pins: untrusted (2xx), whatever its certificate says. */
static void counterfeit_screen_is_untrusted(void) {
    partcert_bytes *fake_line_cert = NULL, *fake_screen = NULL;
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    partcert_result rc;

    make_counterfeit(&fake_line_cert, &fake_screen);
    OK(partcert_part_evidence_new(bdata(fake_screen), blen(fake_screen), &evidence));
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(fake_line_cert),
                                                    blen(fake_line_cert)));
    rc = partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict);
    CHECK_RC(rc, PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK(rc / 100 == 2);
    CHECK(verdict == NULL);
    {
        char message[128];
        size_t len = 0;
        OK(partcert_result_message(rc, message, sizeof message, &len));
        CHECK_STR(message, "the issuer is not trusted");
    }
    partcert_part_evidence_free(evidence);
    /* Without the chain at all, the same. */
    OK(partcert_part_evidence_new(bdata(fake_screen), blen(fake_screen), &evidence));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    partcert_part_evidence_free(evidence);
    partcert_bytes_free(fake_screen);
    partcert_bytes_free(fake_line_cert);
}

/* A battery with a secure element proves it holds its key. */
static void keyed_battery_proves_its_key(void) {
    uint8_t nonce[PARTCERT_NONCE_LEN], other[PARTCERT_NONCE_LEN], seed[PARTCERT_SEED_LEN];
    partcert_bytes *response = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.battery_a);
    partcert_verdict *verdict = NULL;
    partcert_binding binding = 0;

    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_binding(verdict, &binding));
    CHECK(binding == PARTCERT_BINDING_KEY_NOT_CHALLENGED);
    partcert_verdict_free(verdict);

    OK(partcert_challenge_generate(nonce));
    OK(partcert_challenge_generate(other));
    CHECK(memcmp(nonce, other, sizeof nonce) != 0);
    seed_of(seed, BATTERY_SEED);
    OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                  &response));
    {
        partcert_object_type type = 0;
        OK(partcert_object_type_of(bdata(response), blen(response), &type));
        CHECK(type == PARTCERT_OBJECT_TYPE_CHALLENGE_RESPONSE);
        CHECK(blen(response) <= PARTCERT_MAX_CHALLENGE_RESPONSE_LEN);
    }
    OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response), blen(response)));
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_binding(verdict, &binding));
    CHECK(binding == PARTCERT_BINDING_KEY_PROVEN);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (key-proven), unpaired, blocklist not checked");
    partcert_verdict_free(verdict);

    /* A recorded answer replayed against a fresh challenge fails. */
    OK(partcert_part_evidence_set_challenge(evidence, other, bdata(response), blen(response)));
    verdict = NULL;
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_WRONG_CHALLENGE_RESPONSE);
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);

    /* A challenge response for a part without a key. */
    evidence = evidence_for(&w, w.screen_d);
    OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response), blen(response)));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_NO_PART_KEY);
    partcert_part_evidence_free(evidence);
    partcert_bytes_free(response);
}

/* A board's IMEIs are signed in: a flashed IMEI no longer matches. */
static void board_imeis_are_signed_in(void) {
    partcert_part_evidence *evidence = evidence_for(&w, w.board_d);
    partcert_verdict *verdict = NULL;
    size_t count = 0;
    uint64_t imei = 0;

    OK(partcert_part_evidence_add_presented_imei(evidence, IMEI_D));
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_imei_count(verdict, &count));
    CHECK(count == 1);
    OK(partcert_verdict_imei(verdict, 0, &imei));
    CHECK(imei == IMEI_D);
    CHECK_STR(vstr(partcert_verdict_part_kind_name, verdict), "board");
    partcert_verdict_free(verdict);
    verdict = NULL;
    OK(partcert_part_evidence_add_presented_imei(evidence, IMEI_A));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_IMEI_MISMATCH);
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);
}

static partcert_part_evidence *fitted(const partcert_bytes *part) {
    return evidence_for(&w, part);
}

/* The boot self-check of the stolen handset and of the donor. */
static void handset_self_check(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    partcert_part_evidence *board = fitted(w.board_a), *screen = fitted(w.screen_a),
                           *battery = fitted(w.battery_a);
    const partcert_blocklist_status *status = NULL;
    partcert_blocklist_state state = 0;
    partcert_result outcome = 1;
    partcert_verdict *verdict = NULL;
    partcert_relation relation = 0;
    uint8_t nonce[32], seed[32], fingerprint[32], expected[32];
    partcert_bytes *response = NULL;
    size_t count = 0, len = 0;
    uint64_t value = 0;
    bool all_clean = true;
    char message[256];

    OK(partcert_challenge_generate(nonce));
    seed_of(seed, BATTERY_SEED);
    OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                  &response));
    OK(partcert_part_evidence_set_challenge(battery, nonce, bdata(response), blen(response)));
    OK(partcert_handset_evidence_new(bdata(w.record_a), blen(w.record_a), &handset));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_A));
    OK(partcert_handset_evidence_add_part(handset, board));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_handset_evidence_add_part(handset, battery));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report));

    OK(partcert_handset_report_imei_count(report, &count));
    CHECK(count == 1);
    OK(partcert_handset_report_imei(report, 0, &value));
    CHECK(value == IMEI_A);
    OK(partcert_handset_report_pairing_sequence(report, &value));
    CHECK(value == 1);
    OK(partcert_handset_report_checked_at(report, &value));
    CHECK(value == NOW);
    OK(partcert_handset_report_blocklist(report, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    OK(partcert_handset_report_all_original_and_clean(report, &all_clean));
    CHECK(!all_clean);
    {
        bool flag = false;
        OK(partcert_handset_report_is_blocked(report, &flag));
        CHECK(flag);
        OK(partcert_handset_report_is_stale(report, &flag));
        CHECK(!flag);
        OK(partcert_handset_report_has_refused_parts(report, &flag));
        CHECK(!flag);
    }
    OK(partcert_handset_report_part_count(report, &count));
    CHECK(count == 3);
    for (size_t i = 0; i < count; i++) {
        OK(partcert_handset_report_part_outcome(report, i, &outcome));
        CHECK(outcome == PARTCERT_RESULT_OK);
        OK(partcert_handset_report_part_message(report, i, message, sizeof message, &len));
        CHECK_STR(message, "ok");
        OK(partcert_handset_report_part_verdict(report, i, &verdict));
        OK(partcert_verdict_relation(verdict, &relation));
        CHECK(relation == PARTCERT_RELATION_PAIRED_HERE);
        partcert_verdict_free(verdict);
    }
    OK(partcert_handset_report_part_verdict(report, 2, &verdict));
    {
        partcert_binding binding = 0;
        OK(partcert_verdict_binding(verdict, &binding));
        CHECK(binding == PARTCERT_BINDING_KEY_PROVEN);
        OK(partcert_verdict_fingerprint(verdict, expected));
    }
    partcert_verdict_free(verdict);
    OK(partcert_handset_report_part_fingerprint(report, 2, fingerprint));
    CHECK(memcmp(fingerprint, expected, 32) == 0);
    OK(partcert_handset_report_missing_count(report, &count));
    CHECK(count == 0);
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(board);
    partcert_part_evidence_free(screen);
    partcert_part_evidence_free(battery);
    partcert_bytes_free(response);

    /* The donor, with its screen gone and a stranger's (stolen) screen
     * fitted: the missing part is named, the stranger is blocked. */
    board = fitted(w.board_d);
    screen = fitted(w.screen_a);
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_D));
    OK(partcert_handset_evidence_add_part(handset, board));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report));
    OK(partcert_handset_report_blocklist(report, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_CLEAN);
    OK(partcert_handset_report_missing_count(report, &count));
    CHECK(count == 1);
    {
        partcert_paired_part missing;
        partcert_verdict *donor_screen = NULL;
        partcert_part_evidence *donor_evidence = fitted(w.screen_d);
        uint8_t part_id[32];
        OK(partcert_handset_report_missing(report, 0, &missing));
        CHECK(missing.kind == PARTCERT_PART_KIND_SCREEN);
        OK(partcert_verify_part(w.trust, NULL, NULL, 0, donor_evidence, NOW, &donor_screen));
        OK(partcert_verdict_part_id(donor_screen, part_id));
        CHECK(memcmp(missing.part_id, part_id, 32) == 0);
        OK(partcert_verdict_fingerprint(donor_screen, part_id));
        CHECK(memcmp(missing.certificate_fingerprint, part_id, 32) == 0);
        partcert_verdict_free(donor_screen);
        partcert_part_evidence_free(donor_evidence);
    }
    OK(partcert_handset_report_part_verdict(report, 1, &verdict));
    {
        bool blocked = false;
        OK(partcert_verdict_is_blocked(verdict, &blocked));
        CHECK(blocked);
        OK(partcert_verdict_relation(verdict, &relation));
        CHECK(relation == PARTCERT_RELATION_UNPAIRED);
    }
    partcert_verdict_free(verdict);
    OK(partcert_handset_report_all_original_and_clean(report, &all_clean));
    CHECK(!all_clean);
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(screen);

    /* The donor as built: all original and clean. */
    screen = fitted(w.screen_d);
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_D));
    OK(partcert_handset_evidence_add_part(handset, board));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report));
    OK(partcert_handset_report_all_original_and_clean(report, &all_clean));
    CHECK(all_clean);
    {
        bool flag = true;
        OK(partcert_handset_report_is_blocked(report, &flag));
        CHECK(!flag);
        flag = false;
        OK(partcert_handset_report_all_original(report, &flag));
        CHECK(flag);
    }
    /* Without any blocklist the donor is as recorded, but not known clean. */
    {
        partcert_handset_report *unchecked = NULL;
        bool flag = false;
        OK(partcert_verify_handset(w.trust, NULL, handset, NOW, &unchecked));
        OK(partcert_handset_report_all_original(unchecked, &flag));
        CHECK(flag);
        OK(partcert_handset_report_all_original_and_clean(unchecked, &flag));
        CHECK(!flag);
        partcert_handset_report_free(unchecked);
    }
    {
        char json[16384];
        OK(partcert_handset_report_json(report, json, sizeof json, &len));
        CHECK_CONTAINS(json, "\"all_original_and_clean\":true");
        CHECK_CONTAINS(json, "\"handset_imeis\":[\"490154203237518\"]");
    }
    partcert_handset_report_free(report);

    /* A modem reporting another IMEI: the record is not this handset's. */
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_A));
    report = NULL;
    CHECK_RC(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report),
             PARTCERT_RESULT_IMEI_MISMATCH);
    CHECK(report == NULL);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(board);
    partcert_part_evidence_free(screen);
    partcert_blocklist_free(blocklist);
}

/* A part whose certificate fails inside a self-check: the report carries
 * its error and detailed message, and the check as a whole succeeds. */
static void self_check_reports_a_failing_part(void) {
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    partcert_part_evidence *screen = NULL;
    partcert_result outcome = 0;
    partcert_verdict *verdict = NULL;
    char message[256];
    size_t len = 0;

    OK(partcert_part_evidence_new(bdata(w.screen_d), blen(w.screen_d), &screen)); /* no chain */
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_verify_handset(w.trust, NULL, handset, NOW, &report));
    OK(partcert_handset_report_part_outcome(report, 0, &outcome));
    CHECK(outcome == PARTCERT_RESULT_UNKNOWN_ISSUER);
    OK(partcert_handset_report_part_message(report, 0, message, sizeof message, &len));
    CHECK_CONTAINS(message, "unknown issuer");
    CHECK_RC(partcert_handset_report_part_verdict(report, 0, &verdict),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK(verdict == NULL);
    {
        char json[8192];
        OK(partcert_handset_report_json(report, json, sizeof json, &len));
        CHECK(strlen(json) == len);
        CHECK_CONTAINS(json, "\"error\":{\"code\":201,\"name\":\"UnknownIssuer\"");
        CHECK_CONTAINS(json, "\"all_original_and_clean\":false");
    }
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(screen);
}

/* Anti-rollback: an older list is refused, also after a restart from the
 * persisted state. */
static void rollback_is_refused_across_restarts(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w), *restarted = NULL;
    uint8_t state[PARTCERT_MAX_ROLLBACK_STATE_LEN];
    size_t state_len = 0, count = 0;
    uint64_t sequence = 77, floor = 0;
    partcert_list_info info;
    char name[64];

    CHECK_RC(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(w.s1), blen(w.s1),
                                               NOW, &sequence),
             PARTCERT_RESULT_ROLLBACK);
    CHECK(sequence == 77);
    /* The same list again is fine and changes nothing. */
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                         &sequence));
    CHECK(sequence == 2);
    OK(partcert_blocklist_list_count(blocklist, &count));
    CHECK(count == 1);
    OK(partcert_blocklist_list(blocklist, 0, &info));
    CHECK(info.sequence == 2);
    CHECK(info.issued_at == S2_AT);
    CHECK(info.expires_at == S2_AT + LIST_LIFE);
    CHECK(info.entry_count == 4); /* IMEI, board, screen, battery */
    OK(partcert_blocklist_list_authority_name(blocklist, 0, name, sizeof name, &count));
    CHECK_STR(name, "UK National Register");
    OK(partcert_blocklist_time_floor(blocklist, w.trust, &floor));
    CHECK(floor == S2_AT);

    OK(partcert_blocklist_rollback_state(blocklist, state, sizeof state, &state_len));
    CHECK(state_len > 0 && state_len <= sizeof state);
    OK(partcert_blocklist_new_with_rollback_state(state, state_len, &restarted));
    CHECK_RC(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s1), blen(w.s1),
                                               NOW, &sequence),
             PARTCERT_RESULT_ROLLBACK);
    /* The restarted device holds no entries until it is given s2 again. */
    OK(partcert_blocklist_list_count(restarted, &count));
    CHECK(count == 0);
    OK(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                         &sequence));
    CHECK(sequence == 2);
    /* A delta from s1 cannot apply to s2. */
    CHECK_RC(partcert_blocklist_apply_delta(restarted, w.trust, bdata(w.delta12),
                                            blen(w.delta12), NOW, &sequence),
             PARTCERT_RESULT_ROLLBACK);
    partcert_blocklist_free(restarted);

    /* The whole state the snapshot led to, saved and reloaded after a reboot. */
    {
        size_t needed = 0;
        partcert_blocklist *reloaded = NULL;
        CHECK_RC(partcert_blocklist_save_state(blocklist, NULL, 0, &needed),
                 PARTCERT_RESULT_BUFFER_TOO_SMALL);
        uint8_t *saved = malloc(needed);
        CHECK(saved != NULL);
        OK(partcert_blocklist_save_state(blocklist, saved, needed, &state_len));
        CHECK(state_len == needed);
        OK(partcert_blocklist_new_from_saved_state(w.trust, saved, state_len, &reloaded));
        OK(partcert_blocklist_list_count(reloaded, &count));
        CHECK(count == 1);
        OK(partcert_blocklist_list(reloaded, 0, &info));
        CHECK(info.sequence == 2);
        CHECK_RC(partcert_blocklist_apply_snapshot(reloaded, w.trust, bdata(w.s1), blen(w.s1),
                                                   NOW, &sequence),
                 PARTCERT_RESULT_ROLLBACK);
        partcert_blocklist_free(reloaded);
        /* A damaged copy is refused whole. */
        reloaded = NULL;
        CHECK_RC(partcert_blocklist_new_from_saved_state(w.trust, saved, state_len - 1, &reloaded),
                 PARTCERT_RESULT_TRUNCATED);
        CHECK(reloaded == NULL);
        free(saved);
    }
    partcert_blocklist_free(blocklist);
}

/* A root revokes its factory line: its parts no longer verify. */
static void a_revoked_issuer_is_refused(void) {
    partcert_trust_store *trust = NULL;
    partcert_bytes *revocation = NULL, *older = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    uint8_t line_id[32], key_id[32];
    uint64_t sequence = 0;
    size_t manufacturers = 0, blocklists = 0;

    OK(partcert_trust_store_new(&trust));
    OK(partcert_trust_store_add_manufacturer_root(trust, bdata(w.root_cert), blen(w.root_cert),
                                                  key_id));
    OK(partcert_trust_store_root_counts(trust, &manufacturers, &blocklists));
    CHECK(manufacturers == 1 && blocklists == 0);
    OK(partcert_authority_key_id(w.line, line_id));
    OK(partcert_authority_revoke(w.root, 2, T0 + 5 * DAY, line_id, 1, &revocation));
    OK(partcert_authority_revoke(w.root, 1, T0 + 4 * DAY, NULL, 0, &older));
    OK(partcert_trust_store_apply_revocation_list(trust, bdata(revocation), blen(revocation),
                                                  &sequence));
    CHECK(sequence == 2);
    CHECK_RC(partcert_trust_store_apply_revocation_list(trust, bdata(older), blen(older),
                                                        &sequence),
             PARTCERT_RESULT_ROLLBACK);
    CHECK_RC(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_ISSUER_REVOKED);
    partcert_part_evidence_free(evidence);
    partcert_bytes_free(revocation);
    partcert_bytes_free(older);
    partcert_trust_store_free(trust);
}

/* Time is the caller's: too early, too late. */
static void validity_is_checked_at_the_time_given(void) {
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, T0 - 1, &verdict),
             PARTCERT_RESULT_NOT_YET_VALID);
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, YEARS(25), &verdict),
             PARTCERT_RESULT_EXPIRED);
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);
}

/* The small helpers. */
static void helpers(void) {
    uint64_t imei = 0;
    char name[32];
    size_t len = 0;
    partcert_object_type type = 0;
    uint8_t seed[32], again[32], key[32], id[32];
    partcert_role role = 0;
    const char *version = partcert_version();

    CHECK(version != NULL && strlen(version) > 0);
    CHECK_STR(version, "0.1.0");
    OK(partcert_imei_parse("356938035643809", 15, &imei));
    CHECK(imei == IMEI_A);
    OK(partcert_imei_with_check_digit(35693803564380ULL, &imei));
    CHECK(imei == IMEI_A);
    OK(partcert_part_kind_name(PARTCERT_PART_KIND_REAR_CAMERA, name, sizeof name, &len));
    CHECK_STR(name, "rear-camera");
    OK(partcert_part_kind_name(77, name, sizeof name, &len));
    CHECK_STR(name, "kind-77");
    OK(partcert_object_type_of(bdata(w.s2), blen(w.s2), &type));
    CHECK(type == PARTCERT_OBJECT_TYPE_BLOCKLIST_SNAPSHOT);
    OK(partcert_object_type_of(bdata(w.delta12), blen(w.delta12), &type));
    CHECK(type == PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA);
    OK(partcert_object_type_of(bdata(w.record_a), blen(w.record_a), &type));
    CHECK(type == PARTCERT_OBJECT_TYPE_PAIRING_RECORD);
    OK(partcert_object_type_of(bdata(w.root_cert), blen(w.root_cert), &type));
    CHECK(type == PARTCERT_OBJECT_TYPE_CERTIFICATE);
    OK(partcert_secret_key_generate(seed));
    OK(partcert_secret_key_generate(again));
    CHECK(memcmp(seed, again, 32) != 0);
    OK(partcert_public_key_from_seed(seed, key));
    OK(partcert_public_key_id(key, id));
    {
        /* A fresh root from a random key: its key id is the key's. */
        partcert_authority *root = NULL;
        uint8_t root_id[32];
        OK(partcert_authority_new_root(seed, PARTCERT_ROLE_BLOCKLIST_ROOT, "Op", 2, T0,
                                       YEARS(1), &root));
        OK(partcert_authority_key_id(root, root_id));
        CHECK(memcmp(root_id, id, 32) == 0);
        OK(partcert_authority_role(root, &role));
        CHECK(role == PARTCERT_ROLE_BLOCKLIST_ROOT);
        partcert_authority_free(root);
    }
    OK(partcert_authority_role(w.line, &role));
    CHECK(role == PARTCERT_ROLE_PART_ISSUER);
    OK(partcert_result_name(PARTCERT_RESULT_ROLLBACK, name, sizeof name, &len));
    CHECK_STR(name, "Rollback");
    OK(partcert_result_message(PARTCERT_RESULT_OK, name, sizeof name, &len));
    CHECK_STR(name, "ok");
}

/* Blocklist entries, added one by one: a handset by IMEI, a single part. */
static void entries_one_by_one(void) {
    partcert_blocklist_entries *entries = NULL;
    partcert_bytes *snapshot = NULL;
    partcert_blocklist *blocklist = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_listing listing;
    uint8_t part_id[32];
    uint64_t sequence = 0;
    size_t count = 0;

    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_part_id(verdict, part_id));
    partcert_verdict_free(verdict);
    OK(partcert_blocklist_entries_new(&entries));
    OK(partcert_blocklist_entries_add_handset(entries, IMEI_A, PARTCERT_REASON_LOST,
                                              STOLEN_AT, PARTCERT_LISTING_STATUS_SUSPENDED));
    OK(partcert_blocklist_entries_add_part(entries, part_id, PARTCERT_REASON_FRAUD, STOLEN_AT,
                                           PARTCERT_LISTING_STATUS_FINAL, NULL));
    OK(partcert_blocklist_entries_count(entries, &count));
    CHECK(count == 2);
    /* The register's root may sign its own snapshots too. */
    OK(partcert_authority_publish_snapshot(w.register_root, 5, S2_AT, S2_AT + LIST_LIFE,
                                           entries, &snapshot));
    OK(partcert_blocklist_new(&blocklist));
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(snapshot), blen(snapshot),
                                         NOW, &sequence));
    CHECK(sequence == 5);
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_listing(status, 0, &listing));
    CHECK(listing.reason == PARTCERT_REASON_FRAUD);
    CHECK(!listing.has_handset);
    CHECK(listing.handset_imei == 0);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, BLOCKED: fraud");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    /* The lost (suspended) handset's board. */
    evidence = evidence_for(&w, w.board_a);
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_listing(status, 0, &listing));
    CHECK(listing.matched_kind == PARTCERT_BLOCK_KEY_KIND_IMEI);
    CHECK(listing.matched_imei == IMEI_A);
    CHECK(listing.status == PARTCERT_LISTING_STATUS_SUSPENDED);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, BLOCKED: lost (suspended)");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
    partcert_bytes_free(snapshot);
    partcert_blocklist_entries_free(entries);
}

static int write_file(const char *dir, const char *name, const partcert_bytes *bytes) {
    char path[4096];
    FILE *file;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    file = fopen(path, "wb");
    if (file == NULL) return -1;
    if (fwrite(bdata(bytes), 1, blen(bytes), file) != blen(bytes)) {
        fclose(file);
        return -1;
    }
    return fclose(file);
}

/* Writes the story's objects as files for examples/c/verify_part.c. */
static const char *fixtures_dir;

static void write_fixtures(void) {
    CHECK(write_file(fixtures_dir, "acme-root.pcrt", w.root_cert) == 0);
    CHECK(write_file(fixtures_dir, "register-root.pcrt", w.register_cert) == 0);
    CHECK(write_file(fixtures_dir, "acme-line.pcrt", w.line_cert) == 0);
    CHECK(write_file(fixtures_dir, "blocklist.pcbl", w.s2) == 0);
    CHECK(write_file(fixtures_dir, "stolen-screen.pcrt", w.screen_a) == 0);
    CHECK(write_file(fixtures_dir, "donor-screen.pcrt", w.screen_d) == 0);
    CHECK(write_file(fixtures_dir, "donor-pairing.pcpr", w.record_d) == 0);
    CHECK(write_file(fixtures_dir, "blocklist-old.pcbl", w.s1) == 0);
    CHECK(write_file(fixtures_dir, "battery.pcrt", w.battery_a) == 0);
    {
        partcert_bytes *fake_line_cert = NULL, *fake_screen = NULL;
        make_counterfeit(&fake_line_cert, &fake_screen);
        CHECK(write_file(fixtures_dir, "counterfeit-line.pcrt", fake_line_cert) == 0);
        CHECK(write_file(fixtures_dir, "counterfeit-screen.pcrt", fake_screen) == 0);
        partcert_bytes_free(fake_line_cert);
        partcert_bytes_free(fake_screen);
    }
    {
        /* A challenge as the command-line tool writes it (hex), and the
         * battery's answer. */
        uint8_t nonce[PARTCERT_NONCE_LEN], seed[PARTCERT_SEED_LEN];
        partcert_bytes *response = NULL;
        char path[4096];
        FILE *file;
        OK(partcert_challenge_generate(nonce));
        seed_of(seed, BATTERY_SEED);
        OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                      &response));
        CHECK(write_file(fixtures_dir, "battery.response", response) == 0);
        partcert_bytes_free(response);
        snprintf(path, sizeof path, "%s/battery.challenge", fixtures_dir);
        file = fopen(path, "w");
        CHECK(file != NULL);
        if (file != NULL) {
            for (size_t i = 0; i < sizeof nonce; i++) fprintf(file, "%02x", nonce[i]);
            fputc('\n', file);
            CHECK(fclose(file) == 0);
        }
    }
}

int main(int argc, char **argv) {
    world_build(&w);
    RUN(harvested_screen_is_blocked);
    RUN(harvested_screen_with_a_foreign_record_is_refused);
    RUN(donor_screen_is_genuine_used_clean);
    RUN(an_expired_list_makes_answers_stale);
    RUN(counterfeit_screen_is_untrusted);
    RUN(keyed_battery_proves_its_key);
    RUN(board_imeis_are_signed_in);
    RUN(handset_self_check);
    RUN(self_check_reports_a_failing_part);
    RUN(rollback_is_refused_across_restarts);
    RUN(a_revoked_issuer_is_refused);
    RUN(validity_is_checked_at_the_time_given);
    RUN(helpers);
    RUN(entries_one_by_one);
    if (argc > 1) {
        fixtures_dir = argv[1];
        RUN(write_fixtures);
    }
    world_free(&w);
    return h_finish("test_story");
}
