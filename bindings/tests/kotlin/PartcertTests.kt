// Kotlin tests of the partcert bindings: plain asserts, counted, ending in
// "N passed, 0 failed" (with KeepingListsCurrent.kt: syncing from a repository; CheckingThroughShards.kt:
// checking against a list the phone never holds). Run by bindings/tests/run.sh:
//   java -cp partcert.jar:tests.jar:jna.jar:kotlin-stdlib.jar:kotlinx-coroutines-core-jvm.jar PartcertTestsKt VECTOR_DIR FACTS_FILE FORGED_DIR
// (FORGED_DIR: the thief's foreign pairing records as the Rust support program forges them).

import org.partcert.*
import org.partcert.core.*
import java.io.File
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference

var passed = 0
var failed = 0

fun check(what: String, ok: Boolean, detail: Any? = null) {
    if (ok) passed++ else {
        failed++
        println("FAIL: $what${if (detail != null) " — $detail" else ""}")
    }
}

/** Runs [block], expecting a PartcertException with [code]; returns it. */
fun expectError(what: String, code: UInt, block: () -> Unit): PartcertException? {
    try {
        block()
        check("$what throws $code", false, "no exception")
    } catch (e: PartcertException) {
        check("$what throws $code", e.info().code == code, "got ${e.info().code} ${e.info().name}: ${e.info().message}")
        return e
    }
    return null
}

const val T0: ULong = 1_767_225_600UL
const val HOUR: ULong = 3_600UL
const val DAY: ULong = 86_400UL

fun key(n: Int) = SecretKey.fromSeed(ByteArray(32) { n.toByte() })
fun years(n: Int) = validityDaysFrom(T0 - 30UL * DAY, (365 * n).toULong())

/** A handset as built and paired at the factory. */
class Handset(val imei: String, val board: Certificate, val screen: Certificate,
              val camera: Certificate, val cameraKey: SecretKey, val record: PairingRecord)

/** The London story's cast, made with the bindings' own issuing side. */
class World {
    val acme = Authority.newManufacturerRoot(key(1), "Acme Phones root", listOf("Acme Phones"), years(30))
    val line = key(2).let { k ->
        Authority(k, acme.certifyPartIssuer("Acme line 3", k.publicKey(),
            listOf(PartKind.Board, PartKind.Screen, PartKind.RearCamera), listOf("Acme Phones"), 2UL, years(20)))
    }
    val pairing = key(3).let { k ->
        Authority(k, acme.certifyPairingService("Acme pairing", k.publicKey(), 3UL, years(20)))
    }
    val register = Authority.newBlocklistRoot(key(4), "National Mobile Property Register", years(30))
    val alice = build(1, "ALICE")
    val bob = build(2, "BOB")

    fun build(n: Int, who: String): Handset {
        val imei = imeiWithCheckDigit(35_693_803_564_380UL + n.toULong())
        fun spec(kind: PartKind, serial: String, imeis: List<String> = listOf(), key: String? = null) =
            PartSpec(kind, "Acme Phones", "A1", serial, imeis, key)
        val board = line.certifyPart(spec(PartKind.Board, "BRD-$who", listOf(imei)), 10UL * n.toULong(), years(30))
        val screen = line.certifyPart(spec(PartKind.Screen, "SCR-$who"), 10UL * n.toULong() + 1UL, years(30))
        val cameraKey = key(20 + n)
        val camera = line.certifyPart(spec(PartKind.RearCamera, "CAM-$who", key = cameraKey.publicKey()),
            10UL * n.toULong() + 2UL, years(30))
        val record = pairing.pair(board, listOf(screen, camera), 1UL, PairingEvent.FACTORY_BUILD, T0)
        return Handset(imei, board, screen, camera, cameraKey, record)
    }

    // The register's lists (their exact bytes): day 1 empty; day 10 Alice's phone reported stolen,
    // as a snapshot and as the delta from day 1's.
    val list1 = register.publish(Publication(Format.SORTED, ListVersion(0UL, 1UL), T0 + DAY, T0 + 30UL * DAY), listOf()).bytes
    val stolen = entriesForReportedHandset(alice.record, Reason.STOLEN, T0 + 10UL * DAY, ListingStatus.FINAL)
    val list2 = register.publish(Publication(Format.SORTED, ListVersion(0UL, 2UL), T0 + 10UL * DAY, T0 + 40UL * DAY,
        ListBase.Snapshot(list1)), stolen).bytes
    val delta12 = register.publish(Publication(Format.DELTA, ListVersion(0UL, 2UL), T0 + 10UL * DAY, T0 + 40UL * DAY,
        ListBase.Snapshot(list1)), stolen).bytes

    /** What a repair shop pins. */
    fun trust() = TrustStore().also {
        it.addManufacturerRoot(acme.certificate())
        it.addBlocklistRoot(register.certificate())
    }
    val chain = listOf(line.certificate())
}

val NOW = T0 + 12UL * DAY

fun londonStory(w: World) {
    val trust = w.trust()
    val blocklist = Blocklist()
    check("day 1 list accepted", blocklist.apply(trust, w.list1, T0 + DAY) == ListVersion(0UL, 1UL))
    check("day 10 delta accepted", blocklist.apply(trust, w.delta12, T0 + 11UL * DAY) == ListVersion(0UL, 2UL))
    val shop = Verifier(trust, blocklist)

    // Alice's phone was snatched; its screen is harvested and offered to a shop.
    val harvested = shop.verifyPart(PartEvidence(w.alice.screen, w.chain, pairing = w.alice.record), NOW)
    check("harvested screen is blocked", harvested.isBlocked)
    check("harvested screen summary", harvested.summary == "genuine (serial-only), used, BLOCKED: stolen", harvested.summary)
    // What the technician reads first, and what to do: the core's words, as the CLI and C show them.
    check("harvested screen headline", harvested.headline.startsWith("BLOCKED — ") && harvested.headline.endsWith("is listed as stolen"), harvested.headline)
    check("harvested screen advice", harvested.advice.startsWith("Do not fit it."), harvested.advice)
    check("the JSON carries the same words",
        shop.verifyPartJson(PartEvidence(w.alice.screen, w.chain, pairing = w.alice.record), NOW).contains("\"headline\":\"${harvested.headline}\""))
    val status = harvested.blocklist
    check("blocked status carries listings", status is BlocklistStatus.Blocked && status.listings.isNotEmpty())
    if (status is BlocklistStatus.Blocked) {
        val listing = status.listings.first()
        check("listing names the register", listing.authorityName == "National Mobile Property Register")
        check("listing reason stolen, final", listing.reason == Reason.STOLEN && listing.status == ListingStatus.FINAL)
        check("listing epoch 0 sequence 2", listing.epoch == 0UL && listing.sequence == 2UL)
        check("listing names the handset", status.listings.any { it.handset == w.alice.imei || it.matched == MatchedKey.Imei(w.alice.imei) })
        check("an exact match, not capped", status.listings.none { it.byFingerprint } && !status.capped)
        check("not stale", !status.stale && !harvested.isStale)
        check("list consulted is epoch 0 sequence 2", status.lists.single().let { it.epoch == 0UL && it.sequence == 2UL && it.staleReason == null })
    }
    check("harvested screen part fields", harvested.part.kind == PartKind.Screen && harvested.part.serial == "SCR-ALICE" &&
        harvested.part.manufacturer == "Acme Phones")
    check("provenance names Alice's handset", harvested.provenance?.handsetImeis == listOf(w.alice.imei) &&
        harvested.provenance?.certificateRenewed == false && harvested.provenance?.event == PairingEvent.FACTORY_BUILD)
    check("relation used", harvested.relation == Relation.PAIRED_ELSEWHERE)
    check("issuer and root named", harvested.issuer.name == "Acme line 3" && harvested.root.name == "Acme Phones root")
    check("checked at now", harvested.checkedAt == NOW)
    check("no revocation, no IMEI mismatch", harvested.issuerRevokedSince == null && harvested.mismatchedImeis.isEmpty())
    check("no retired line, no refused record", harvested.issuerRetiredAt == null && harvested.pairingRefused == null)
    check("provenance: first paired at the factory", harvested.provenance?.firstPaired == T0)

    // Bob's phone was broken up honestly: his screen is a clean donor part.
    val donor = shop.verifyPart(PartEvidence(w.bob.screen, w.chain, pairing = w.bob.record), NOW)
    check("donor screen genuine, used, clean", donor.summary == "genuine (serial-only), used, clean", donor.summary)
    check("donor screen status clean", donor.blocklist is BlocklistStatus.Clean && !donor.isBlocked)
    // Its camera proves it holds its key.
    val challenge = Challenge.generate()
    val answer = ChallengeAnswer(challenge, ChallengeResponse.respond(w.bob.cameraKey, challenge, w.bob.camera))
    val camera = shop.verifyPart(PartEvidence(w.bob.camera, w.chain, w.bob.record, answer), NOW)
    check("donor camera key-proven", camera.binding == Binding.KEY_PROVEN && camera.summary == "genuine (key-proven), used, clean", camera.summary)
    val replayed = ChallengeAnswer(Challenge.generate(), answer.response)
    expectError("a replayed challenge response", 203u) { shop.verifyPart(PartEvidence(w.bob.camera, w.chain, challenge = replayed), NOW) }

    // A counterfeit: a forged "Acme" root nobody pinned.
    val forgedRoot = Authority.newManufacturerRoot(key(66), "Acme Phones root", listOf("Acme Phones"), years(30))
    val forgedLine = key(67).let { k -> Authority(k, forgedRoot.certifyPartIssuer("Acme line 3", k.publicKey(),
        listOf(PartKind.Screen), listOf("Acme Phones"), 2UL, years(20))) }
    val fake = forgedLine.certifyPart(PartSpec(PartKind.Screen, "Acme Phones", "A1", "SCR-FAKE"), 1UL, years(30))
    val e = expectError("counterfeit screen", 201u) { shop.verifyPart(PartEvidence(fake, listOf(forgedLine.certificate())), NOW) }
    check("counterfeit is untrusted (trust family)", e is PartcertException.Trust && e.info.family == "trust" && e.info.name == "UnknownIssuer", e)

    // JSON in the core's shape.
    val json = shop.verifyPartJson(PartEvidence(w.alice.screen, w.chain, pairing = w.alice.record), NOW)
    check("JSON verdict blocked", json.contains("\"state\":\"blocked\"") && json.contains("\"reason\":\"stolen\""), json)

    // The shop restarts: its saved state brings the lists back; the marks alone read stale.
    val restored = Blocklist.fromSavedState(blocklist.saveState(), trust)
    check("restored state still blocks", Verifier(trust, restored).verifyPart(PartEvidence(w.alice.screen, w.chain), NOW).isBlocked)
    val marksOnly = Blocklist.withRollbackState(blocklist.rollbackState())
    val stale = Verifier(trust, marksOnly).verifyPart(PartEvidence(w.bob.screen, w.chain), NOW)
    check("marks without the list read stale, missing", stale.blocklist is BlocklistStatus.Stale &&
        (stale.blocklist as BlocklistStatus.Stale).lists.single().staleReason == StaleReason.Missing, stale.summary)
    check("rollback marks decode", decodeRollbackState(blocklist.rollbackState()).single().sequence == 2UL)
    expectError("yesterday's list after today's (rollback)", 400u) { marksOnly.apply(trust, w.list1, NOW) }
    check("a refused update changes nothing", marksOnly.lists().isEmpty() && marksOnly.followsAny())

    // Bob's phone checks itself at launch: all original and clean.
    val report = Verifier(trust, blocklist).verifyHandset(HandsetEvidence(w.bob.record, listOf(w.bob.imei),
        listOf(FittedPart(w.bob.board, w.chain), FittedPart(w.bob.screen, w.chain), FittedPart(w.bob.camera, w.chain))), NOW)
    check("Bob's handset all original and clean", report.allOriginal && report.allOriginalAndClean && !report.isBlocked, report)
    // Alice's phone, found with a new owner, reports itself blocked.
    val aliceReport = Verifier(trust, blocklist).verifyHandset(HandsetEvidence(w.alice.record, listOf(w.alice.imei),
        listOf(FittedPart(w.alice.board, w.chain))), NOW)
    check("Alice's handset reports blocked", aliceReport.isBlocked && aliceReport.handsetBlocklist is BlocklistStatus.Blocked)
    check("Alice's handset headline", aliceReport.headline == "BLOCKED — this handset is listed as stolen", aliceReport.headline)
    check("Bob's handset headline", report.headline.startsWith("OK — ") && report.advice == "Nothing to do.", report.headline + " / " + report.advice)
    check("Alice's handset: two parts missing", aliceReport.missing.size == 2 && !aliceReport.allOriginal)
    check("Alice's own record was not refused", aliceReport.pairingRefused == null && report.pairingRefused == null)
    check("a missing keyed camera names its key", aliceReport.missing.single { it.kind == PartKind.RearCamera }.key ==
        w.alice.cameraKey.keyId() && aliceReport.missing.all { it.firstPaired == T0 })
}

fun errorFamilies(w: World) {
    val trust = w.trust()
    val e1 = expectError("malformed: truncated certificate", 100u) { Certificate.decode(w.alice.screen.toBytes().copyOf(20)) }
    check("malformed family", e1 is PartcertException.Malformed && e1.info().family == "malformed")
    val e2 = expectError("trust: forged signature", 200u) {
        val bytes = w.bob.screen.toBytes(); bytes[bytes.size - 1] = (bytes[bytes.size - 1].toInt() xor 1).toByte()
        Verifier(trust).verifyPart(PartEvidence(Certificate.decode(bytes), w.chain), NOW)
    }
    check("trust family", e2 is PartcertException.Trust)
    val e3 = expectError("policy: expired certificate", 301u) { Verifier(trust).verifyPart(PartEvidence(w.bob.screen, w.chain), T0 + 40UL * 365UL * DAY) }
    check("policy family", e3 is PartcertException.Policy && e3.info().family == "policy")
    val e4 = expectError("blocklist-state: rollback", 400u) {
        val b = Blocklist(); b.apply(trust, w.list2, NOW); b.apply(trust, w.list1, NOW)
    }
    check("blocklist-state family", e4 is PartcertException.BlocklistState && e4.info().family == "blocklist-state")
    val e5 = expectError("misuse: a 31-byte seed", 503u) { SecretKey.fromSeed(ByteArray(31)) }
    check("misuse family", e5 is PartcertException.Misuse)
    expectError("invalid IMEI (Luhn)", 107u) { parseImei("356938035643808") }
    check("valid IMEI parses", parseImei("356938035643809") == "356938035643809")
    expectError("a line certifying a kind it may not", 302u) { w.line.certifyPart(PartSpec(PartKind.Battery, "Acme Phones", "A1", "BAT-1"), 9UL, years(1)) }
    expectError("a maker the line may not certify", 308u) { w.line.certifyPart(PartSpec(PartKind.Screen, "Other Co", "A1", "SCR-9"), 9UL, years(1)) }
    expectError("a serial not in its one written form", 111u) { w.line.certifyPart(PartSpec(PartKind.Screen, "Acme Phones", "A1", "scr 1"), 9UL, years(1)) }
    check("error table has every code", errorCodes().map { it.code }.containsAll(listOf(100u, 201u, 301u, 400u, 503u, 900u)))
    check("Kotlin message carries code and detail", e2?.message?.contains("[error 200 ") == true, e2?.message)
}

/** A phone applies each morning's list from a coroutine, without blocking it; an older list is refused alike. */
fun applyingInTheBackground(w: World) = kotlinx.coroutines.runBlocking {
    val trust = w.trust()
    val phone = Blocklist()
    check("day 1's list applied in the background", phone.applyInBackground(trust, w.list1, T0 + DAY) == ListVersion(0UL, 1UL))
    check("day 10's list applied in the background", phone.applyInBackground(trust, w.list2, T0 + 10UL * DAY) == ListVersion(0UL, 2UL))
    val verdict = Verifier(trust, phone).verifyPart(PartEvidence(w.alice.screen, w.chain), NOW)
    check("Alice's screen reads blocked after", verdict.isBlocked, verdict.summary)
    try {
        phone.applyInBackground(trust, w.list1, NOW)
        check("an older list is refused in the background", false, "applied")
    } catch (e: PartcertException.BlocklistState) {
        check("an older list is refused in the background with 400", e.code == 400, e)
    }
    check("the phone still holds day 10's list", phone.listsChecked(trust, NOW).let { it.isNotEmpty() && it.all { l -> l.sequence == 2UL } }, phone.listsChecked(trust, NOW))
}

/** A part's kind prints as the technician reads it, as the CLI and JSON name it. */
fun partKindsReadAsWords(w: World) {
    check("a screen prints as \"screen\"", PartKind.Screen.toString() == "screen", PartKind.Screen)
    check("a rear camera prints as \"rear-camera\"", "${PartKind.RearCamera}" == "rear-camera", PartKind.RearCamera)
    check("a kind this library does not name prints its code", PartKind.Other(42u).toString() == "kind-42", PartKind.Other(42u))
    check("the name partKindName gives, the same", listOf(PartKind.Board, PartKind.Screen, PartKind.Battery, PartKind.RearCamera, PartKind.FrontCamera, PartKind.Biometric, PartKind.Housing, PartKind.ChargingPort, PartKind.Speaker).all { it.toString() == partKindName(it) })
    val verdict = Verifier(w.trust()).verifyPart(PartEvidence(w.bob.screen, w.chain), NOW)
    check("Bob's screen's verdict names its kind in words", "${verdict.part.kind}" == "screen", verdict.part.kind)
}

/** A technician's app shows an error as the core words it, and tests its code as an Int. */
fun errorsReadAsWords(w: World) {
    val e = expectError("a certificate cut short", 100u) { Certificate.decode(w.alice.screen.toBytes().copyOf(20)) }
    check("the code is an Int: e.code == 100", e?.code == 100, e?.code)
    val words = "${e?.info()?.message} [error 100 ${e?.info()?.name}]"
    check("toString() is the core's message and the code", e.toString() == words, e)
    check("message reads the same words", e?.message == "info=$words", e?.message)
    check("an ErrorInfo prints as those words", e?.info().toString() == words, e?.info())
    val missing = File(System.getProperty("java.io.tmpdir"), "partcert-missing-${System.nanoTime()}.pcbs").path
    try {
        loadBlocklistStateFrom(missing, w.trust())
        check("a state never saved is not loaded", false)
    } catch (s: StateFileException.NoSuchState) {
        check("a state never saved reads as its path", s.toString() == "$missing: no saved state", s)
    }
}

/** The rest of the surface: revocation, a delegated register key, lookups, JSON. */
fun restOfSurface(w: World) {
    val trust = w.trust()
    // Acme's line 3 key leaks on day 5: Acme revokes it since then.
    val lineId = w.line.keyId()
    val revocation = w.acme.revoke(1UL, T0 + 6UL * DAY, listOf(RevokedKey(lineId, T0 + 5UL * DAY)))
    check("revocation list reads back", revocation.info().revoked.single() == RevokedKey(lineId, T0 + 5UL * DAY))
    check("revocation applied", trust.applyRevocationList(revocation, T0 + 6UL * DAY) == 1UL)
    val acmeId = w.acme.keyId()
    check("revoked since day 5", trust.revokedSince(acmeId, lineId) == T0 + 5UL * DAY)
    check("root clock raised to the list", trust.clockForRoot(acmeId, T0) == T0 + 6UL * DAY)
    // A revocation list Acme dates five years ahead raises its clock only to now plus the tolerance.
    val ahead = w.acme.revoke(2UL, T0 + 5UL * 365UL * DAY, listOf(RevokedKey(lineId, T0 + 5UL * DAY)))
    check("a revocation list from the future accepted", trust.applyRevocationList(ahead, NOW) == 2UL)
    check("a maker's date from the future raises its clock only to now + tolerance",
        clockTolerance() == DAY && trust.clockForRoot(acmeId, NOW) == NOW + clockTolerance(), trust.clockForRoot(acmeId, NOW))
    // Paired on day 0, before the leak: still genuine, and the verdict says so.
    val v = Verifier(trust).verifyPart(PartEvidence(w.bob.screen, w.chain, w.bob.record), NOW)
    check("made before the leak", v.issuerRevokedSince == T0 + 5UL * DAY && v.summary.endsWith("made before its line's key was revoked"), v.summary)
    expectError("no record placing it before the leak", 304u) { Verifier(trust).verifyPart(PartEvidence(w.bob.screen, w.chain), NOW) }

    // A delegated register key for epoch 0 may not sign epoch 1.
    val signerKey = key(5)
    val signer = Authority(signerKey, w.register.certifyBlocklistAuthority("NMPR signing", signerKey.publicKey(), 0UL, 5UL, years(5)))
    check("delegated key belongs to the register", signer.blocklistAuthority() == w.register.keyId())
    expectError("a delegated key signing another epoch", 406u) {
        signer.publish(Publication(Format.SORTED, ListVersion(1UL, 1UL), NOW, NOW + DAY), listOf())
    }
    val list3 = signer.publish(Publication(Format.SORTED, ListVersion(0UL, 3UL), T0 + 11UL * DAY, T0 + 40UL * DAY,
        ListBase.Snapshot(w.list2), listOf(BlockKey.Imei(w.alice.imei))), listOf()).bytes
    val bl = Blocklist()
    check("delegated list accepted", bl.apply(trust, list3, NOW) == ListVersion(0UL, 3UL))
    // Alice's handset was listed by IMEI, board, screen, camera and the camera's key; the IMEI is delisted.
    check("lists held", bl.lists().single().let { it.version == ListVersion(0UL, 3UL) && it.entryCount == 4UL })
    check("entries of the register", bl.entries(w.register.keyId()).size == 4)
    check("handset delisted, parts still listed", bl.lookup(listOf(BlockKey.Imei(w.alice.imei))).isEmpty() &&
        bl.lookup(listOf(BlockKey.Part(w.alice.screen.part()!!.partId()))).single().reason == Reason.STOLEN)
    check("lists checked current", bl.listsChecked(trust, NOW).single().let { !it.stale && it.sequence == 3UL })
    check("list expired later reads stale", bl.listsChecked(trust, T0 + 41UL * DAY).single().staleReason == StaleReason.Expired)
    check("clock for the register", bl.clockFor(trust, w.register.keyId(), T0) == T0 + 11UL * DAY)

    // JSON, kinds, versions, challenge responses.
    val reportJson = Verifier(trust, bl).verifyHandsetJson(HandsetEvidence(w.bob.record, listOf(w.bob.imei),
        listOf(FittedPart(w.bob.board, w.chain))), NOW)
    check("handset report JSON", reportJson.contains("\"all_original\":false") && reportJson.contains("\"missing\""), reportJson)
    check("certificate JSON", w.bob.screen.toJson().contains("\"serial\":\"SCR-BOB\""))
    check("part kinds parse", parsePartKind("rear-camera") == PartKind.RearCamera && partKindName(PartKind.Other(42u)) == "kind-42")
    check("format version 3", formatVersion() == 3.toUByte())
    val challenge = Challenge.fromNonce(ByteArray(32) { 7 })
    val response = ChallengeResponse.respond(w.bob.cameraKey, challenge, w.bob.camera)
    response.verify(challenge, w.bob.camera)
    check("response answers the nonce", response.info().nonce.contentEquals(challenge.nonce()))
    expectError("a response for another part's certificate", 203u) { response.verify(challenge, w.alice.camera) }
    expectError("a key that is not the part's", 205u) { ChallengeResponse.respond(w.alice.cameraKey, challenge, w.bob.camera) }
    check("trust store lists its roots", trust.manufacturerRoots().single() == w.acme.certificate() && trust.blocklistRoots().size == 1)
}

fun hex(b: ByteArray) = b.joinToString("") { "%02x".format(it) }

fun roleName(r: AuthorityRole) = when (r) {
    AuthorityRole.MANUFACTURER_ROOT -> "manufacturer root"; AuthorityRole.PART_ISSUER -> "part issuer"
    AuthorityRole.PAIRING_SERVICE -> "pairing service"; AuthorityRole.BLOCKLIST_ROOT -> "blocklist root"
    AuthorityRole.BLOCKLIST_AUTHORITY -> "blocklist authority"
}

/** What the bindings say about each vector, in vector-facts' format. */
fun vectorFacts(dir: File): List<String> {
    val out = mutableListOf<String>()
    for (f in dir.listFiles()!!.filter { it.name != "README.md" }.sortedBy { it.name }) {
        val n = f.name
        val bytes = f.readBytes()
        fun fact(field: String, value: Any) { out += "$n:$field=$value" }
        if (n.endsWith(".pcrb")) {
            // An anti-rollback state is local, not a signed object: its own decoder reads it.
            fact("marks", decodeRollbackState(bytes).joinToString(",") { "${it.authority}@${it.epoch}/${it.sequence}:${it.digest}^${it.clockFloor}" })
            continue
        }
        if (n.endsWith(".pcsh")) {
            // A shard file is not an envelope: its structure is read without a head.
            val shard = checkShardStructure(bytes)
            fact("version", "${shard.version.epoch}/${shard.version.sequence}"); fact("bits", shard.bits); fact("index", shard.index)
            continue
        }
        val obj = decodeObject(bytes)
        when (n.substringAfterLast('.')) {
            "cert" -> {
                val c = (obj as PartcertObject.Certificate).certificate.info()
                fact("serial_number", c.serialNumber); fact("issuer", c.issuer)
                fact("not_before", c.validity.notBefore); fact("not_after", c.validity.notAfter)
                fact("fingerprint", c.fingerprint)
                when (val s = c.subject) {
                    is Subject.Authority -> { val a = s.v1
                        fact("role", roleName(a.role)); fact("name", a.name); fact("key", a.key)
                        fact("permitted_kinds", a.permittedKinds.joinToString(",") { partKindName(it) })
                        fact("manufacturers", a.manufacturers.joinToString(",")); fact("epoch", a.epoch) }
                    is Subject.Part -> { val p = s.v1
                        fact("root", p.root); fact("kind", partKindName(p.kind)); fact("manufacturer", p.manufacturer)
                        fact("model", p.model); fact("serial", p.serial); fact("imeis", p.imeis.joinToString(","))
                        fact("key", p.key ?: ""); fact("part_id", p.partId()) }
                }
            }
            "pair" -> { val r = (obj as PartcertObject.PairingRecord).record.info()
                fact("imeis", r.imeis.joinToString(",")); fact("board", r.board.partId)
                fact("parts", r.parts.joinToString(",") { it.partId })
                fact("keys", (listOf(r.board) + r.parts).joinToString(",") { it.key ?: "" })
                fact("first_paired", (listOf(r.board) + r.parts).joinToString(",") { it.firstPaired.toString() })
                fact("sequence", r.sequence)
                fact("event", if (r.event == PairingEvent.FACTORY_BUILD) "factorybuild" else "repair")
                fact("issued_at", r.issuedAt); fact("fingerprint", r.fingerprint) }
            "pcbl" -> { val s = (obj as PartcertObject.SignedList).list.info()
                fact("authority", s.authority); fact("version", "${s.version.epoch}/${s.version.sequence}")
                fact("issued_at", s.issuedAt); fact("expires_at", s.expiresAt); fact("entries", s.entries.size)
                fact("state_digest", s.stateDigest); fact("fingerprint", s.fingerprint) }
            "pccs" -> { val s = (obj as PartcertObject.SignedList).list.info()
                check("$n is a compact snapshot", s.format == Format.COMPACT, s.format)
                fact("authority", s.authority); fact("version", "${s.version.epoch}/${s.version.sequence}")
                fact("issued_at", s.issuedAt); fact("expires_at", s.expiresAt)
                fact("state_digest", s.stateDigest); fact("fingerprint", s.fingerprint) }
            "pcbd" -> { val d = (obj as PartcertObject.SignedList).list.info()
                fact("authority", d.authority); fact("from", "${d.base?.version?.epoch}/${d.base?.version?.sequence}")
                fact("to", "${d.version.epoch}/${d.version.sequence}"); fact("from_digest", d.base?.stateDigest ?: "")
                fact("result_digest", d.stateDigest); fact("upserts", d.entries.size); fact("removals", d.delisted.size) }
            "pcrl" -> { val l = (obj as PartcertObject.RevocationList).list.info()
                fact("root", l.root); fact("sequence", l.sequence); fact("issued_at", l.issuedAt)
                fact("revoked", l.revoked.joinToString(",") { "${it.key}@${it.since}" }) }
            "pcr" -> { val r = (obj as PartcertObject.ChallengeResponse).response.info()
                fact("nonce", hex(r.nonce)); fact("certificate", r.certificate) }
            "pchd" -> { val h = (obj as PartcertObject.RepositoryHead).head.info()
                fun file(f: FileRef) = "${f.path}:${f.size}:${f.sha256}@${f.version.epoch}/${f.version.sequence}^${f.issuedAt}"
                fact("authority", h.authority); fact("version", "${h.version.epoch}/${h.version.sequence}")
                fact("issued_at", h.issuedAt); fact("expires_at", h.expiresAt); fact("digest", h.digest)
                fact("snapshot", file(h.snapshot)); fact("deltas", h.deltas.joinToString(",") { "${it.from}>${file(it.file)}" })
                fact("fingerprint", h.fingerprint)
                fact("shards", h.shards?.let { "${it.bits}:${it.root}:${it.maxSize}" } ?: "") }
            else -> out += "$n:unknown"
        }
    }
    return out
}

fun PartcertObjectOrNull(bytes: ByteArray) = try { decodeObject(bytes) } catch (e: PartcertException) { null }

fun goldenVectors(dir: File, factsFile: File) {
    val expected = factsFile.readLines().filter { it.isNotBlank() }
    val actual = vectorFacts(dir)
    val expectedDecoded = expected.filter { !it.startsWith("verdict:") && !it.startsWith("now=") }.sorted()
    check("every golden vector decodes to the fields Rust reads (${expectedDecoded.size} fields)",
        actual.sorted() == expectedDecoded, (actual.toSet() - expectedDecoded.toSet()).toString() + " vs " + (expectedDecoded.toSet() - actual.toSet()))
    check("vectors present", expectedDecoded.size > 50, expectedDecoded.size)
    for (f in dir.listFiles()!!.filter { it.name != "README.md" }) {
        val bytes = f.readBytes()
        val obj = PartcertObjectOrNull(bytes)
        if (obj != null) {
            val round = when (obj) {
                is PartcertObject.Certificate -> obj.certificate.toBytes(); is PartcertObject.PairingRecord -> obj.record.toBytes()
                is PartcertObject.SignedList -> obj.list.toBytes()
                is PartcertObject.RevocationList -> obj.list.toBytes(); is PartcertObject.ChallengeResponse -> obj.response.toBytes()
                is PartcertObject.RepositoryHead -> obj.head.toBytes()
            }
            check("${f.name} re-encodes to the same bytes", round.contentEquals(bytes))
        }
    }
    // The verdicts Rust reaches on the same objects.
    fun v(name: String) = File(dir, name).readBytes()
    val now = expected.first { it.startsWith("now=") }.substringAfter("=").toULong()
    val trust = TrustStore()
    trust.addManufacturerRoot(Certificate.decode(v("manufacturer_root.cert")))
    trust.addBlocklistRoot(Certificate.decode(v("blocklist_root.cert")))
    val blocklist = Blocklist()
    blocklist.apply(trust, v("stolen_v2.pcbl"), now)
    val chain = listOf(Certificate.decode(v("part_issuer.cert")))
    val verifier = Verifier(trust, blocklist)
    val screen = verifier.verifyPart(PartEvidence(Certificate.decode(v("screen.cert")), chain, PairingRecord.decode(v("handset.pair"))), now)
    check("golden screen verdict as in Rust", "verdict:screen=${screen.summary}" in expected, screen.summary)
    check("golden screen listings as in Rust", "verdict:screen_listings=${(screen.blocklist as? BlocklistStatus.Blocked)?.listings?.size ?: 0}" in expected)
    val camera = verifier.verifyPart(PartEvidence(Certificate.decode(v("keyed_camera.cert")), chain,
        challenge = ChallengeAnswer(Challenge.fromNonce(ByteArray(32) { 0x42 }), ChallengeResponse.decode(v("camera_response.pcr")))), now)
    check("golden camera verdict as in Rust", "verdict:camera=${camera.summary}" in expected, camera.summary)
    // Alice's screen on a phone that holds no list, through the one shard the head names for it.
    val head = v("repository_head.pchd")
    val shardNow = RepositoryHead.decode(head).info().issuedAt + 3_600UL
    val bare = PartEvidence(Certificate.decode(v("screen.cert")), chain)
    val phone = Blocklist()
    phone.beginShardCheck(trust, head, Verifier(trust).blocklistKeys(bare, shardNow), shardNow).use { shardCheck ->
        while (shardCheck.nextFetch() != null) shardCheck.offer(v("screen_shard.pcsh"))
        shardCheck.finish()
    }
    val throughShard = Verifier(trust, phone).verifyPart(bare, shardNow)
    check("golden screen through its shard as in Rust", "verdict:screen_through_shard=${throughShard.summary}" in expected, throughShard.summary)
}

/** xorshift64*: the same sequence in the Kotlin and Swift tests. */
class Rng(var state: ULong) {
    fun next(): ULong { state = state xor (state shr 12); state = state xor (state shl 25); state = state xor (state shr 27); return state * 2685821657736338717UL }
    fun below(n: Int): Int = (next() % n.toULong()).toInt()
}

fun malformedInputs(w: World, dir: File) {
    val trust = w.trust()
    val bl = Blocklist(); bl.apply(trust, w.list2, NOW)
    val seeds = (dir.listFiles()!!.filter { it.name != "README.md" }.map { it.readBytes() } +
        listOf(w.alice.screen.toBytes(), w.alice.record.toBytes(), w.list2, w.delta12, bl.saveState(), bl.rollbackState()))
    val decoders: List<Pair<String, (ByteArray) -> Unit>> = listOf(
        "Certificate" to { b -> Certificate.decode(b) }, "PairingRecord" to { b -> PairingRecord.decode(b) },
        "SignedList" to { b -> SignedList.decode(b) },
        "RevocationList" to { b -> RevocationList.decode(b) }, "ChallengeResponse" to { b -> ChallengeResponse.decode(b) },
        "decodeObject" to { b -> decodeObject(b) }, "objectTypeOf" to { b -> objectTypeOf(b) },
        "decodeRollbackState" to { b -> decodeRollbackState(b) }, "Blocklist.withRollbackState" to { b -> Blocklist.withRollbackState(b) },
        "Blocklist.fromSavedState" to { b -> Blocklist.fromSavedState(b, trust) },
        "checkShardStructure" to { b -> checkShardStructure(b) },
    )
    val rng = Rng(0x5eed_2026UL)
    var typed = 0; var accepted = 0; var wrong = 0; var mustFail = 0; var mustFailRefused = 0
    repeat(10_000) { i ->
        val base = seeds[rng.below(seeds.size)]
        val kind = i % 4
        val input = when (kind) {
            0 -> base.copyOf(rng.below(base.size))                                   // truncated
            1 -> base + ByteArray(1 + rng.below(16)) { rng.next().toByte() }         // trailing bytes
            2 -> base.copyOf().also { b -> repeat(1 + rng.below(4)) { val p = rng.below(b.size); b[p] = (b[p].toInt() xor (1 shl rng.below(8))).toByte() } } // bit flips
            else -> ByteArray(rng.below(300)) { rng.next().toByte() }                 // random
        }
        for ((name, decode) in decoders) {
            try { decode(input); accepted++ }
            catch (e: PartcertException) {
                typed++
                if (kind <= 1 && name != "objectTypeOf") mustFailRefused++
                if (errorCodeInfo(e.info().code) == null) { wrong++; println("untyped code ${e.info().code} from $name") }
            }
            catch (e: Throwable) { wrong++; println("$name threw ${e::class.qualifiedName}: ${e.message}") }
            // objectTypeOf reads the header only: a cut or extended body keeps its type.
            if (kind <= 1 && name != "objectTypeOf") mustFail++
        }
    }
    check("10,000 malformed inputs × ${decoders.size} decoders: only typed errors ($typed typed, $accepted accepted)", wrong == 0, wrong)
    check("every truncated or extended input refused", mustFail == mustFailRefused, "$mustFailRefused of $mustFail")
}

fun threads(w: World) {
    val trust = w.trust()
    val shared = Blocklist(); shared.apply(trust, w.list1, NOW)
    val day1 = Blocklist(); day1.apply(trust, w.list1, NOW)
    val day10 = Blocklist(); day10.apply(trust, w.list2, NOW)
    val verifier = Verifier(trust, shared)
    val errors = AtomicReference<String?>(null)
    val verified = AtomicInteger(0)
    val done = java.util.concurrent.atomic.AtomicBoolean(false)
    val readers = (1..2).map { t ->
        Thread {
            try {
                while (!done.get()) {
                    val v = verifier.verifyPart(PartEvidence(w.alice.screen, w.chain), NOW)
                    val seq = v.blocklist.let { s -> when (s) { is BlocklistStatus.Clean -> s.lists.single().sequence
                        is BlocklistStatus.Blocked -> s.lists.single().sequence; else -> 0UL } }
                    // All or nothing: listed exactly when the list held is day 10's.
                    if (v.isBlocked != (seq == 2UL) || seq == 0UL) errors.set("thread $t saw a torn state: ${v.summary} at sequence $seq")
                    val bob = verifier.verifyPart(PartEvidence(w.bob.screen, w.chain), NOW)
                    if (bob.isBlocked) errors.set("Bob's screen blocked")
                    verified.addAndGet(2)
                }
            } catch (e: Throwable) { errors.set("thread $t: $e") }
        }
    }
    val writer = Thread {
        try {
            repeat(300) { i ->
                if (i % 3 == 2) {
                    // A stale list offered after a newer one: refused, nothing changes.
                    try { shared.apply(trust, w.list1, NOW) } catch (e: PartcertException) { }
                } else shared.replaceWith(if (i % 2 == 0) day10 else day1)
                Thread.sleep(1)
            }
        } catch (e: Throwable) { errors.set("writer: $e") }
        done.set(true)
    }
    readers.forEach { it.start() }; writer.start()
    writer.join(); readers.forEach { it.join() }
    check("two threads verify while a third swaps blocklists (${verified.get()} verdicts)", errors.get() == null && verified.get() > 0, errors.get())
}

/** A national register's compact list applied by content; anything else refused with 105. */
fun compactByContent(w: World) {
    val trust = w.trust()
    val bytes = w.register.publish(Publication(Format.COMPACT, ListVersion(0UL, 1UL), T0 + 10UL * DAY, T0 + 40UL * DAY),
        entriesForReportedHandset(w.alice.record, Reason.STOLEN, T0 + 10UL * DAY, ListingStatus.FINAL)).bytes
    val info = SignedList.decode(bytes).info()
    check("compact snapshot round-trips", SignedList.decode(bytes).toBytes().contentEquals(bytes) && info.format == Format.COMPACT &&
        info.version == ListVersion(0UL, 1UL) && info.authority == w.register.keyId() && info.entries.isEmpty(), info)
    check("objectTypeOf knows a compact snapshot", objectTypeOf(bytes) == ObjectType.COMPACT_SNAPSHOT)
    val decoded = decodeObject(bytes)
    check("decodeObject gives a compact signed list",
        decoded is PartcertObject.SignedList && decoded.list.toBytes().contentEquals(bytes) && decoded.list.info().format == Format.COMPACT)
    val device = Blocklist()
    expectError("a compact snapshot given as a sorted snapshot (a publication's base)", 105u) {
        w.register.publish(Publication(Format.SORTED, ListVersion(0UL, 2UL), NOW, NOW + DAY, ListBase.Snapshot(bytes)), listOf())
    }
    check("compact snapshot applied by content", device.apply(trust, bytes, T0 + 10UL * DAY) == ListVersion(0UL, 1UL))
    val held = device.lists().single()
    check("compact list held: 5 keys, its digest", held.entryCount == 5UL && held.digest == info.stateDigest &&
        held.version == ListVersion(0UL, 1UL), held)
    val verifier = Verifier(trust, device)
    check("compact list blocks Alice's screen", verifier.verifyPart(PartEvidence(w.alice.screen, w.chain), NOW).isBlocked)
    check("compact list leaves Bob's screen clean", !verifier.verifyPart(PartEvidence(w.bob.screen, w.chain), NOW).isBlocked)

    val e = expectError("a certificate given to apply", 105u) { device.apply(trust, w.alice.screen.toBytes(), NOW) }
    check("105 names what it is", e?.info()?.message?.contains("but this is a certificate") == true, e?.info())
    expectError("a pairing record given to apply", 105u) { device.apply(trust, w.alice.record.toBytes(), NOW) }
    expectError("truncated compact snapshot", 100u) { device.apply(trust, bytes.copyOf(bytes.size - 1), NOW) }
    check("a newer sorted snapshot replaces the compact list", device.apply(trust, w.list2, NOW) == ListVersion(0UL, 2UL))
    expectError("the compact snapshot again after a newer list", 400u) { device.apply(trust, bytes, NOW) }
    check("a refused object changes nothing", device.lists().single().version == ListVersion(0UL, 2UL))

    // Sorted snapshots and deltas go through apply too.
    val sorted = Blocklist()
    check("sorted snapshot by content", sorted.apply(trust, w.list1, T0 + DAY) == ListVersion(0UL, 1UL))
    check("delta by content", sorted.apply(trust, w.delta12, T0 + 11UL * DAY) == ListVersion(0UL, 2UL))
}

/** An entry listing the handset with IMEI body [body], for [reason], on day [day]. */
fun handsetEntry(body: ULong, reason: Reason, day: ULong) =
    BlocklistEntry(BlockKey.Imei(imeiWithCheckDigit(body)), reason, T0 + day * DAY, ListingStatus.FINAL)

/**
 * One publishing call in every format: a register's Tuesday list, over Monday's master list (a sorted
 * snapshot) or over the list devices hold, says what changed the same way; and one apply call takes each.
 */
fun publishingInEveryFormat(w: World) {
    val trust = w.trust()
    val alice = handsetEntry(35_000_000_000_001UL, Reason.STOLEN, 1UL)
    val bob = handsetEntry(35_000_000_000_002UL, Reason.LOST, 1UL)
    val carol = handsetEntry(35_000_000_000_003UL, Reason.STOLEN, 1UL)
    val dave = handsetEntry(35_000_000_000_004UL, Reason.FRAUD, 2UL)
    fun publication(format: Format, sequence: ULong, base: ListBase? = null, delisted: List<BlockKey> = listOf()) =
        Publication(format, ListVersion(0UL, sequence), T0 + sequence * DAY, T0 + (sequence + 7UL) * DAY, base, delisted)
    val monday = w.register.publish(publication(Format.SORTED, 1UL), listOf(alice, bob, carol))
    check("Monday's master list: 3 listed, 3 in all", monday.changes.listed == 3UL && monday.changes.total == 3UL &&
        monday.changes.carried == 0UL, monday.changes)
    val device = Blocklist().also { it.apply(trust, monday.bytes, T0 + DAY) }

    // Tuesday: Bob's lost phone turns out stolen, Carol's is found, Dave's is reported (twice); Alice's is
    // reported again alike (it keeps its first listing), and a phone never listed is "found".
    val neverListed = BlockKey.Imei(imeiWithCheckDigit(35_000_000_000_009UL))
    val found = listOf(carol.key, neverListed)
    val tuesday = listOf(alice.copy(listedAt = alice.listedAt + DAY), bob.copy(reason = Reason.STOLEN), dave, dave)
    // carried, listed, relisted, delisted, given twice, total; and the key found that was never listed.
    fun counts(c: Changes) = listOf(c.carried, c.listed, c.relisted, c.delisted, c.givenTwice, c.total) to c.notListed
    val want = listOf(1UL, 1UL, 1UL, 1UL, 1UL, 3UL) to listOf(neverListed)
    val bases = listOf(Format.SORTED to ListBase.Snapshot(monday.bytes), Format.COMPACT to ListBase.Snapshot(monday.bytes),
        Format.DELTA to ListBase.Snapshot(monday.bytes), Format.DELTA to ListBase.Held(device))
    for ((format, base) in bases) {
        val over = if (base is ListBase.Held) "the list devices hold" else "Monday's snapshot"
        val published = w.register.publish(publication(format, 2UL, base, found), tuesday)
        check("$format over $over: the core's change counts", counts(published.changes) == want, published.changes)
        check("$format over $over: signed in its format", SignedList.decode(published.bytes).info().format == format)
        // One apply call takes every format and leads to the same answers.
        val applied = if (format == Format.COMPACT) Blocklist() else copyOf(device)
        check("$format over $over: applied", applied.apply(trust, published.bytes, T0 + 2UL * DAY) == ListVersion(0UL, 2UL))
        fun listed(entry: BlocklistEntry) = applied.lookup(listOf(entry.key))
        check("$format over $over: Alice, Bob and Dave listed, Carol not",
            listOf(alice, bob, dave).all { listed(it).isNotEmpty() } && listed(carol).isEmpty())
        check("$format over $over: Bob now stolen, Alice still listed on day 1",
            listed(bob).single().reason == Reason.STOLEN && listed(alice).single().listedAt == alice.listedAt)
    }
    // The device's own list was not touched by publishing over it.
    check("publishing over a device's list leaves the device as it was", device.lists().single().version == ListVersion(0UL, 1UL))

    // What no device would take is refused before anything is signed.
    expectError("a key both listed and delisted", 113u) {
        w.register.publish(publication(Format.SORTED, 2UL, ListBase.Snapshot(monday.bytes), listOf(alice.key)), listOf(alice))
    }
    expectError("one key listed twice differently", 110u) {
        w.register.publish(publication(Format.COMPACT, 2UL), listOf(alice, alice.copy(reason = Reason.LOST)))
    }
    expectError("a delta with no base", 111u) { w.register.publish(publication(Format.DELTA, 2UL), listOf()) }
    expectError("a list no later than its base", 400u) {
        w.register.publish(publication(Format.DELTA, 1UL, ListBase.Held(device)), listOf())
    }
    expectError("a held base from a device that holds no list of the register", 503u) {
        w.register.publish(publication(Format.DELTA, 2UL, ListBase.Held(Blocklist())), listOf())
    }
    val streamed = w.register.publish(publication(Format.COMPACT, 2UL), listOf(alice, alice, alice)).changes
    check("a national list streamed: the same entry thrice is listed once, given twice twice",
        streamed.listed == 1UL && streamed.givenTwice == 2UL && streamed.total == 1UL, streamed)
}

fun rssKb(): Long = File("/proc/self/status").readLines().first { it.startsWith("VmRSS:") }.split(Regex("\\s+"))[1].toLong()

fun memory(w: World) {
    val trust = w.trust()
    val bl = Blocklist(); bl.apply(trust, w.list2, NOW)
    val verifier = Verifier(trust, bl)
    val evidence = PartEvidence(w.bob.screen, w.chain, pairing = w.bob.record)
    repeat(10_000) { verifier.verifyPart(evidence, NOW) }
    System.gc()
    val before = rssKb()
    var clean = 0
    repeat(100_000) { if (!verifier.verifyPart(evidence, NOW).isBlocked) clean++ }
    System.gc()
    val after = rssKb()
    println("memory: VmRSS before ${before / 1024} MiB, after 100,000 verifications ${after / 1024} MiB (${(after - before) / 1024} MiB)")
    check("100,000 verifications all clean", clean == 100_000)
    check("resident memory does not grow (bound 48 MiB)", after - before < 48 * 1024, "${after - before} KiB")
}

// ---------------------------------------------------------------------
// Trust rules II (issue 15), each told as the attack or accident it stops.
// ---------------------------------------------------------------------

val YEAR: ULong = 365UL * DAY

/** Alice's handset as the register lists it when she reports it stolen on day 1. */
fun aliceStolen(w: World) = entriesForReportedHandset(w.alice.record, Reason.STOLEN, T0 + DAY, ListingStatus.FINAL)

/** A register publishing key certified for [epoch]. */
fun publisher(w: World, seed: Int, epoch: ULong, validity: Validity) = key(seed).let { k ->
    Authority(k, w.register.certifyBlocklistAuthority("NMPR publisher", k.publicKey(), epoch, seed.toULong(), validity))
}

fun registerList(lists: List<ListChecked>, w: World) =
    lists.single { it.authority == w.register.keyId() }

fun listsOf(status: BlocklistStatus): List<ListChecked> = when (status) {
    is BlocklistStatus.Clean -> status.lists; is BlocklistStatus.Stale -> status.lists
    is BlocklistStatus.Blocked -> status.lists; BlocklistStatus.NotChecked -> listOf()
}

fun copyOf(blocklist: Blocklist) = Blocklist().also { it.replaceWith(blocklist) }

/** 1. The register's epoch-0 key is stolen: the thief wipes Alice's listing with a list dated 14 years ahead. */
fun aThiefsFutureDatedWipe(w: World) {
    val trust = w.trust()
    val epoch0 = publisher(w, 45, 0UL, validityDaysFrom(T0 - DAY, 15UL * 365UL))
    val honest = epoch0.publish(Publication(Format.SORTED, ListVersion(0UL, 1UL), T0 + 2UL * DAY, T0 + 9UL * DAY), aliceStolen(w)).bytes
    val wipe = epoch0.publish(Publication(Format.SORTED, ListVersion(0UL, (1UL shl 53) - 1UL), T0 + 14UL * YEAR,
        T0 + 14UL * YEAR + 7UL * DAY), listOf()).bytes
    val tookWipe = Blocklist()
    tookWipe.apply(trust, honest, T0 + 2UL * DAY)
    check("the thief's wipe looks genuine", tookWipe.apply(trust, wipe, T0 + 3UL * DAY).sequence == (1UL shl 53) - 1UL)
    // Even before the correction the wipe cannot pass as current: it flags itself.
    val wiped = Verifier(trust, tookWipe).verifyPart(PartEvidence(w.alice.screen, w.chain), T0 + 3UL * DAY)
    check("after the wipe Alice's screen reads stale, never clean", !wiped.isBlocked && wiped.isStale &&
        wiped.blocklist is BlocklistStatus.Stale, wiped.summary)
    check("the wipe is stale: FutureDated at its own date",
        registerList(listsOf(wiped.blocklist), w).staleReason == StaleReason.FutureDated(T0 + 14UL * YEAR), wiped.blocklist)
    check("the summary says the list is dated after this device's clock",
        wiped.summary.contains("dated after this device's clock"), wiped.summary)
    check("the wipe's mark keeps its date but floors the clock at receipt + tolerance",
        tookWipe.rollbackMarks().single().let { it.issuedAt == T0 + 14UL * YEAR && it.clockFloor == T0 + 3UL * DAY + clockTolerance() },
        tookWipe.rollbackMarks())
    val sawHonest = Blocklist().also { it.apply(trust, honest, T0 + 2UL * DAY) }

    // The README's recovery: revoke the stolen key, certify a short-lived publisher for epoch 1.
    val revocation = w.register.revoke(1UL, T0 + 4UL * DAY, listOf(RevokedKey(epoch0.keyId(), T0 + 3UL * DAY)))
    val withRevocation = w.trust().also { it.applyRevocationList(revocation, T0 + 4UL * DAY) }
    val epoch1 = publisher(w, 46, 1UL, validityDaysFrom(T0 + 4UL * DAY, 2UL * 365UL))
    val correction = epoch1.publish(Publication(Format.SORTED, ListVersion(1UL, 1UL), T0 + 4UL * DAY, T0 + 11UL * DAY), aliceStolen(w)).bytes
    val registerId = w.register.keyId()
    for ((trustName, store) in listOf("without" to trust, "with" to withRevocation)) {
        for ((name, device) in listOf("took the wipe" to tookWipe, "saw only the honest list" to sawHonest, "is new" to Blocklist())) {
            val d = copyOf(device)
            val who = "a device that $name, $trustName the revocation list"
            check("$who accepts the epoch-1 correction", d.apply(store, correction, T0 + 4UL * DAY) == ListVersion(1UL, 1UL))
            check("$who: the register's clock is the device's", d.clockFor(store, registerId, T0 + 5UL * DAY) == T0 + 5UL * DAY)
            val v = Verifier(store, d).verifyPart(PartEvidence(w.alice.screen, w.chain), T0 + 5UL * DAY)
            check("$who: Alice's screen blocked again, every list current", v.isBlocked && !v.isStale, v.summary)
        }
    }
}

/** Bolt: another maker whose root also names Acme Phones (a contract maker), with a line and a pairing service. */
class Rival {
    val root = Authority.newManufacturerRoot(key(50), "Bolt root", listOf("Bolt", "Acme Phones"), years(40))
    val line = key(52).let { k ->
        Authority(k, root.certifyPartIssuer("Bolt line", k.publicKey(), listOf(PartKind.Board, PartKind.Screen, PartKind.RearCamera),
            listOf("Bolt", "Acme Phones"), 2UL, years(25)))
    }
    val pairingSeed = ByteArray(32) { 51 }
    val pairing = SecretKey.fromSeed(pairingSeed).let { k ->
        Authority(k, root.certifyPairingService("Bolt pairing", k.publicKey(), 3UL, years(25)))
    }
}

fun unhex(text: String) = ByteArray(text.length / 2) { text.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

/** Replaces the one place [what] occurs in [bytes] by [with] (the same length). */
fun replaceOnce(bytes: ByteArray, what: ByteArray, with: ByteArray) {
    val at = (0..bytes.size - what.size).filter { i -> what.indices.all { bytes[i + it] == what[it] } }
    require(at.size == 1 && with.size == what.size) { "expected one occurrence, found ${at.size}" }
    with.copyInto(bytes, at.single())
}

/**
 * The record a thief shows with [handset]'s listed board: signed by a rival maker's pairing service, naming
 * the board. The bindings' honest `pair` refuses another root's board (307), so the thief, holding the
 * rival service's key, rewrites a record that service made for a rival board carrying the handset's IMEI
 * and signs it again (the JDK's own Ed25519 signer).
 */
fun foreignRecord(rival: Rival, handset: Handset, serial: ULong): ByteArray {
    val rivalBoard = rival.line.certifyPart(PartSpec(PartKind.Board, "Bolt", "B1", "BOLT-BRD-$serial", listOf(handset.imei)), serial, years(30))
    val bytes = rival.pairing.pair(rivalBoard, listOf(), 2UL, PairingEvent.REPAIR, T0 + DAY).toBytes()
    replaceOnce(bytes, unhex(rivalBoard.part()!!.partId()), unhex(handset.board.part()!!.partId()))
    replaceOnce(bytes, unhex(rivalBoard.fingerprint()), unhex(handset.board.fingerprint()))
    val signed = bytes.copyOf(bytes.size - 64)
    val key = java.security.KeyFactory.getInstance("Ed25519").generatePrivate(
        java.security.spec.EdECPrivateKeySpec(java.security.spec.NamedParameterSpec.ED25519, rival.pairingSeed))
    val signature = java.security.Signature.getInstance("Ed25519").run { initSign(key); update(signed); sign() }
    return signed + signature
}

/** 6. Alice's listed board shown with a record signed by a rival maker's service: blocked wins, the 307 beside it. */
fun aListedBoardWithAForeignRecord(w: World, forgedDir: File) {
    val bolt = Rival()
    val trust = w.trust().also { it.addManufacturerRoot(bolt.root.certificate()) }
    val blocklist = Blocklist().also { it.apply(trust, w.list2, NOW) }
    val aliceBytes = foreignRecord(bolt, w.alice, 1UL)
    val bobBytes = foreignRecord(bolt, w.bob, 2UL)
    // The Rust support program forges the same records for the Swift tests (Swift on Linux has no
    // Ed25519 signer): the JDK's signer and ed25519-dalek agree to the byte.
    check("the JDK forges the records the Rust support program forged",
        File(forgedDir, "alice_board_foreign.pair").readBytes().contentEquals(aliceBytes) &&
            File(forgedDir, "bob_board_foreign.pair").readBytes().contentEquals(bobBytes))
    val record = PairingRecord.decode(aliceBytes)
    check("the foreign record names Alice's board, signed by Bolt's service",
        record.info().board.partId == w.alice.board.part()!!.partId() &&
            record.serviceCertificate().authority()?.name == "Bolt pairing", record.info())
    val verifier = Verifier(trust, blocklist)
    val v = verifier.verifyPart(PartEvidence(w.alice.board, w.chain, record), NOW)
    check("the listed board stays blocked", v.isBlocked, v.summary)
    check("pairingRefused: 307 ForeignPairingService", v.pairingRefused?.let {
        it.code == 307u && it.name == "ForeignPairingService" && it.family == "policy" && it.message.isNotEmpty() } == true, v.pairingRefused)
    check("the refused record places it nowhere", v.relation == Relation.UNPAIRED && v.provenance == null)
    check("the summary says the record was refused", v.summary.contains("BLOCKED: stolen, its pairing record was refused"), v.summary)
    check("JSON carries the refusal", verifier.verifyPartJson(PartEvidence(w.alice.board, w.chain, record), NOW)
        .contains("\"pairing_refused\":{\"code\":307"))
    // The self-check of the handset the thief dressed up.
    val report = verifier.verifyHandset(HandsetEvidence(record, listOf(w.alice.imei), listOf(FittedPart(w.alice.board, w.chain))), NOW)
    check("the dressed-up handset reports blocked, record refused with 307",
        report.isBlocked && report.pairingRefused?.code == 307u && !report.allOriginal, report)
    // A clean board with a foreign record is still refused.
    expectError("Bob's clean board with a foreign record", 307u) {
        verifier.verifyPart(PartEvidence(w.bob.board, w.chain, PairingRecord.decode(bobBytes)), NOW)
    }
}

/** 10. Alice's harvested rear camera, re-certified with its own key under a new serial or another root. */
fun aHarvestedKeyedCameraListedByKey(w: World) {
    val trust = w.trust()
    val bolt = Rival()
    trust.addManufacturerRoot(bolt.root.certificate())
    val cameraKeyId = w.alice.cameraKey.keyId()
    val entries = entriesForReportedHandset(w.alice.record, Reason.STOLEN, T0 + 10UL * DAY, ListingStatus.FINAL)
    check("a reported handset lists its IMEI, 3 parts and the camera's key (5 entries)", entries.size == 5 &&
        entries.any { it.key == BlockKey.Part(partIdOfPartKey(cameraKeyId)) && it.handset == w.alice.imei }, entries.map { it.key })
    val blocklist = Blocklist().also { it.apply(trust, w.list2, NOW) }
    val verifier = Verifier(trust, blocklist)
    val reissued = w.line.certifyPart(PartSpec(PartKind.RearCamera, "Acme Phones", "A1", "CAM-NEW-7", key = w.alice.cameraKey.publicKey()), 78UL, years(30))
    val recertified = bolt.line.certifyPart(PartSpec(PartKind.RearCamera, "Acme Phones", "A1", "CAM-RECERT", key = w.alice.cameraKey.publicKey()), 77UL, years(30))
    for ((name, certificate, chain) in listOf(Triple("under a new serial", reissued, w.chain),
                                               Triple("under another root", recertified, listOf(bolt.line.certificate())))) {
        val challenge = Challenge.generate()
        val answer = ChallengeAnswer(challenge, ChallengeResponse.respond(w.alice.cameraKey, challenge, certificate))
        val v = verifier.verifyPart(PartEvidence(certificate, chain, challenge = answer), NOW)
        val listing = (v.blocklist as? BlocklistStatus.Blocked)?.listings?.single()
        check("the camera re-certified $name reads key-proven and blocked", v.binding == Binding.KEY_PROVEN && v.isBlocked, v.summary)
        check("the camera re-certified $name matched PartKey", listing?.matched == MatchedKey.PartKey(cameraKeyId) &&
            listing.byFingerprint == false && listing.handset == w.alice.imei, listing)
    }
    check("lookup by the key's listing id finds the register's entry",
        blocklist.lookup(listOf(BlockKey.Part(partIdOfPartKey(cameraKeyId)))).single().matched == MatchedKey.Part(partIdOfPartKey(cameraKeyId)))
    val bob = verifier.verifyPart(PartEvidence(w.bob.camera, w.chain), NOW)
    check("Bob's keyed camera is clean", bob.blocklist is BlocklistStatus.Clean, bob.summary)
    expectError("a key id that is not 64 hex digits", 111u) { partIdOfPartKey("xyz") }
}

/** A part identity sharing [partId]'s first 128 bits (every fingerprint a compact list keeps), differing after. */
fun sharingFingerprint(partId: String, tail: Int) = partId.substring(0, 48) + "%016x".format(tail.toLong() xor 0x5a5a5a5a5a5aL)

/** 8, 9. A compact list whose part shares Bob's screen's fingerprint: blocked "by fingerprint", naming the fingerprint. */
fun aFingerprintHit(w: World) {
    val trust = w.trust()
    val bobId = w.bob.screen.part()!!.partId()
    fun device(count: Int) = Blocklist().also { d ->
        val entries = (1..count).map { BlocklistEntry(BlockKey.Part(sharingFingerprint(bobId, it)), Reason.STOLEN, T0, ListingStatus.FINAL) }
        d.apply(trust, w.register.publish(Publication(Format.COMPACT, ListVersion(0UL, 1UL), T0 + 2UL * DAY, T0 + 9UL * DAY), entries).bytes,
            T0 + 2UL * DAY)
    }
    val v = Verifier(trust, device(1)).verifyPart(PartEvidence(w.bob.screen, w.chain), T0 + 3UL * DAY)
    check("a fingerprint hit reads blocked by fingerprint", v.summary == "genuine (serial-only), unpaired, BLOCKED: stolen (by fingerprint)", v.summary)
    val status = v.blocklist as? BlocklistStatus.Blocked
    val matched = status?.listings?.single()?.matched
    check("a fingerprint hit is flagged and not capped", status?.listings?.single()?.byFingerprint == true && status.capped == false, status)
    if (matched is MatchedKey.PartFingerprint) {
        val (prefix, width) = matched.v1.split("/").let { it[0] to it[1].toInt() }
        check("the fingerprint is Bob's digest's first bits, not his full identity",
            width in 41..128 && prefix.length == (width + 3) / 4 && bobId.startsWith(prefix.substring(0, width / 4)) &&
                matched != MatchedKey.Part(bobId), matched)
    } else check("a fingerprint hit matched PartFingerprint", false, matched)
    // A flood of listings sharing the fingerprint: the lookup stops at the cap and says so.
    val flood = Verifier(trust, device(maxListings().toInt() + 36)).verifyPart(PartEvidence(w.bob.screen, w.chain), T0 + 3UL * DAY)
    val flooded = flood.blocklist as? BlocklistStatus.Blocked
    check("a fingerprint flood is capped at maxListings() and says so", maxListings() == 64u &&
        flooded?.capped == true && flooded.listings.size == 64 && flooded.listings.all { it.byFingerprint }, flooded?.listings?.size)
}

/** 5. A device unpins a rogue operator: it keeps every other list and mark, and says what it dropped. */
fun aDeviceThatUnpinsARogueOperator(w: World) {
    val operator = Authority.newBlocklistRoot(key(6), "Rogue Operator", years(30))
    val operatorId = operator.keyId()
    val trust = w.trust().also { it.addBlocklistRoot(operator.certificate()) }
    val device = Blocklist()
    device.apply(trust, w.list2, NOW)
    device.apply(trust, operator.publish(Publication(Format.SORTED, ListVersion(0UL, 1UL), T0 + 2UL * DAY, T0 + 40UL * DAY), listOf()).bytes, NOW)
    val saved = device.saveState()
    val marks = device.rollbackState()
    val withoutOperator = w.trust()
    val loaded = loadBlocklistState(saved, withoutOperator)
    check("loading with fewer roots reports the operator dropped", loaded.dropped == listOf(operatorId), loaded.dropped)
    check("the register's list is kept", loaded.blocklist.lists().single().authorityName == "National Mobile Property Register")
    fun verdicts(b: Blocklist) = Verifier(withoutOperator, b).let {
        it.verifyPart(PartEvidence(w.bob.screen, w.chain), NOW) to it.verifyPart(PartEvidence(w.alice.screen, w.chain), NOW)
    }
    val (bob, alice) = verdicts(loaded.blocklist)
    check("after loading, Bob's screen is clean and Alice's blocked", bob.blocklist is BlocklistStatus.Clean && alice.isBlocked, bob.summary)
    check("fromSavedState with fewer roots drops too (no longer 201)",
        Blocklist.fromSavedState(saved, withoutOperator).rollbackMarks().size == 1)
    // Restarting from the marks only: the unpinned operator is unfollowed explicitly.
    val restarted = Blocklist.withRollbackState(marks)
    restarted.apply(withoutOperator, w.list2, NOW)
    check("marks only: the operator reads missing", Verifier(withoutOperator, restarted).verifyPart(PartEvidence(w.bob.screen, w.chain), NOW).isStale)
    check("unfollowUnpinned names the operator", restarted.unfollowUnpinned(withoutOperator) == listOf(operatorId))
    check("then Bob's screen is clean", verdicts(restarted).first.blocklist is BlocklistStatus.Clean)
    // Unfollowing by name works the same, and says what it dropped.
    val explicit = copyOf(device)
    check("unfollow returns the operator's mark", explicit.unfollow(operatorId)?.let { it.authority == operatorId && it.sequence == 1UL } == true)
    check("unfollowing again drops nothing", explicit.unfollow(operatorId) == null && explicit.rollbackMarks().size == 1)
    expectError("unfollow given a key id that is not hex", 111u) { explicit.unfollow("operator") }
}

/** 11. Acme's line key leaks on day 10; Alice's screen is swapped for Bob's at an Acme repair centre after the leak. */
fun aScreenSwapAfterALeak(w: World) {
    val trust = w.trust()
    val leak = T0 + 10UL * DAY
    val lineId = w.line.keyId()
    trust.applyRevocationList(w.acme.revoke(1UL, T0 + 11UL * DAY, listOf(RevokedKey(lineId, leak))), T0 + 11UL * DAY)
    val repairedAt = leak + 5UL * DAY
    val repair = w.pairing.pair(w.alice.board, listOf(w.bob.screen, w.alice.camera), 2UL, PairingEvent.REPAIR, repairedAt,
        EarlierRecords(trust, listOf(w.alice.record, w.bob.record)))
    val info = repair.info()
    check("pair after earlier records keeps every part's first pairing at the factory",
        (listOf(info.board) + info.parts).all { it.firstPaired == T0 } && info.issuedAt == repairedAt, info)
    check("the repair record carries the camera's key",
        info.parts.single { it.kind == PartKind.RearCamera }.key == w.alice.cameraKey.keyId())
    val report = Verifier(trust).verifyHandset(HandsetEvidence(repair, listOf(w.alice.imei),
        listOf(w.alice.board, w.bob.screen, w.alice.camera).map { FittedPart(it, w.chain) }), repairedAt + DAY)
    check("after the repair the handset is all original", report.allOriginal && !report.hasRefusedParts, report)
    check("every part made before the leak, first paired at the factory", report.parts.all { p ->
        (p.outcome as? PartOutcome.Verified)?.verdict?.let { it.issuerRevokedSince == leak && it.provenance?.firstPaired == T0 } == true })
    // A record made without the earlier ones says every part was first paired at the repair: the board reads untrusted.
    val plain = w.pairing.pair(w.alice.board, listOf(w.bob.screen, w.alice.camera), 2UL, PairingEvent.REPAIR, repairedAt)
    expectError("the board with a repair record that forgot its past", 304u) {
        Verifier(trust).verifyPart(PartEvidence(w.alice.board, w.chain, plain), repairedAt + DAY)
    }
    // And again after a second repair: the past survives every record.
    val again = w.pairing.pair(w.alice.board, listOf(w.bob.screen), 3UL, PairingEvent.REPAIR, repairedAt + 30UL * DAY,
        EarlierRecords(trust, listOf(repair)))
    val board = Verifier(trust).verifyPart(PartEvidence(w.alice.board, w.chain, again), repairedAt + 31UL * DAY)
    check("after a second repair the board keeps its past", board.issuerRevokedSince == leak &&
        board.summary.endsWith("made before its line's key was revoked"), board.summary)
    expectError("pairing after an earlier record the trust store cannot verify", 201u) {
        w.pairing.pair(w.alice.board, listOf(), 2UL, PairingEvent.REPAIR, repairedAt, EarlierRecords(TrustStore(), listOf(w.alice.record)))
    }
}

/** 12. Acme retires line 1 at the end of 2026; five years on, its parts live on with their maker's record. */
fun aRetiredLinesPartsLiveOn(w: World) {
    val trust = w.trust()
    val lineEnd = T0 + YEAR
    val line1 = key(48).let { k -> Authority(k, w.acme.certifyPartIssuer("Acme line 1", k.publicKey(),
        listOf(PartKind.Board, PartKind.Screen), listOf("Acme Phones"), 48UL, Validity(T0 - 30UL * DAY, lineEnd))) }
    val imei = imeiWithCheckDigit(35_200_000_000_001UL)
    val board = line1.certifyPart(PartSpec(PartKind.Board, "Acme Phones", "A0", "BRD-OLD", listOf(imei)), 1UL, years(30))
    val screen = line1.certifyPart(PartSpec(PartKind.Screen, "Acme Phones", "A0", "SCR-OLD"), 2UL, years(30))
    val record = w.pairing.pair(board, listOf(screen), 1UL, PairingEvent.FACTORY_BUILD, T0)
    val chain = listOf(line1.certificate())
    val v = Verifier(trust).verifyPart(PartEvidence(screen, chain, record), T0 + 5UL * YEAR)
    check("a retired line's screen is genuine five years on: issuerRetiredAt", v.issuerRetiredAt == lineEnd &&
        v.summary.contains("made before its line retired"), v.summary)
    expectError("without its maker's record, as its line: expired", 301u) {
        Verifier(trust).verifyPart(PartEvidence(screen, chain), T0 + 5UL * YEAR)
    }
}

fun main(args: Array<String>) {
    val vectors = File(args.getOrElse(0) { "core/tests/vectors" })
    val facts = File(args.getOrElse(1) { "target/bindings/vector-facts.txt" })
    val forged = File(args.getOrElse(2) { "target/bindings/forged" })
    val w = World()
    val sections = listOf<Pair<String, () -> Unit>>(
        "London story" to { londonStory(w) }, "error families" to { errorFamilies(w) },
        "errors read as words" to { errorsReadAsWords(w) }, "part kinds read as words" to { partKindsReadAsWords(w) },
        "applying in the background" to { applyingInTheBackground(w) },
        "rest of the surface" to { restOfSurface(w) }, "compact list by content" to { compactByContent(w) },
        "publishing in every format" to { publishingInEveryFormat(w) },
        "golden vectors" to { goldenVectors(vectors, facts) }, "malformed inputs" to { malformedInputs(w, vectors) },
        "a thief's future-dated wipe" to { aThiefsFutureDatedWipe(w) },
        "a listed board with a foreign record" to { aListedBoardWithAForeignRecord(w, forged) },
        "a harvested keyed camera listed by key" to { aHarvestedKeyedCameraListedByKey(w) },
        "a fingerprint hit" to { aFingerprintHit(w) }, "a device that unpins a rogue operator" to { aDeviceThatUnpinsARogueOperator(w) },
        "a screen swap after a leak" to { aScreenSwapAfterALeak(w) }, "a retired line's parts live on" to { aRetiredLinesPartsLiveOn(w) },
        "a device syncing every morning" to { aDeviceSyncingEveryMorning(w) }, "a mirror that lies" to { aMirrorThatLies(w) },
        "a frozen mirror" to { aFrozenMirror(w) }, "a state saved to a path" to { aStateSavedToAPath(w) },
        "a compact list saved beside the state" to { aCompactListSavedBesideTheState(w) },
        "Alice's harvested screen BLOCKED on a phone that never held the list" to { alicesHarvestedScreenReadsBlockedOnAPhoneThatNeverHeldTheList(w) },
        "Alice's phone at boot asks for its whole shard plan at once" to { alicesPhoneAtBootAsksForItsWholePlanAtOnce(w) },
        "Bob's donor screen clean through shards" to { bobsDonorScreenReadsCleanThroughShards(w) },
        "a tampered shard is refused and changes nothing" to { aTamperedShardIsRefusedAndChangesNothing(w) },
        "threads" to { threads(w) }, "memory" to { memory(w) })
    for ((name, run) in sections) {
        try { run() } catch (e: Throwable) { check("$name ran to the end", false, e); e.printStackTrace() }
        println("kotlin: $name done")
    }
    println("$passed passed, $failed failed")
    if (failed != 0) kotlin.system.exitProcess(1)
}
