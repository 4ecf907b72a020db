// Kotlin tests of checking parts against a register's list a phone never holds: the register
// cuts its list into shards under a root its head signs (Authority.cutShards, headWithShards),
// and the phone fetches only the shards its keys lie in, through the suspending
// `Blocklist.checkShards` (bindings/kotlin/org/partcert/CheckShards.kt) with an in-memory fetch
// function standing in for an HTTP client. Run from PartcertTests.kt's main.

import kotlinx.coroutines.runBlocking
import org.partcert.*
import org.partcert.core.*
import java.io.FileNotFoundException

/** The register's repository on day 11, in memory: the head naming day 10's list (Alice's phone
 *  reported stolen) cut into 4 shards, and the shard files, written before the head. */
class ShardedRepository(w: World) {
    val files = mutableMapOf<String, ByteArray>()
    val head: RepositoryHead
    val shards: ShardSet
    /** Every fetch asked for, in order: what the server learns. */
    val asked = mutableListOf<String>()

    init {
        // The register's own copy of its list, cut into 2^2 shards.
        val registerCopy = Blocklist().also { it.apply(w.trust(), w.list2, T0 + 10UL * DAY) }
        shards = w.register.cutShards(registerCopy, 2u)
        for (index in 0u until shards.count()) files[shards.path(index)] = shards.file(index)!!
        val plain = w.register.publishHead(null, listOf(SignedList.decode(w.list2)), 30UL * DAY, NOW - HOUR, NOW + DAY)
        head = w.register.headWithShards(plain, shards)
        files[repositoryHeadPath()] = head.toBytes()
    }

    /** What an HTTP client reading from it returns: at most maxBytes + 1 bytes. */
    fun fetch(path: String, maxBytes: Long): ByteArray {
        asked += path
        val bytes = files[path] ?: throw FileNotFoundException(path)
        return bytes.copyOf(minOf(bytes.size.toLong(), maxBytes + 1).toInt())
    }
}

/** Alice's phone was snatched; its screen is harvested and offered to a technician whose repair
 *  app never held the national list: it fetches the shards the screen's keys lie in and reads
 *  BLOCKED, with the same words a shop holding the whole list reads. */
fun alicesHarvestedScreenReadsBlockedOnAPhoneThatNeverHeldTheList(w: World) = runBlocking {
    val trust = w.trust()
    val repo = ShardedRepository(w)
    check("the head names the shards", repo.head.info().shards?.let { it.bits == 2.toUByte() && it.root == repo.shards.reference().root } == true)
    val phone = Blocklist()
    val screen = PartEvidence(w.alice.screen, w.chain, pairing = w.alice.record)
    val keys = Verifier(trust).blocklistKeys(screen, NOW)
    check("the screen's keys: its identity and Alice's IMEI", keys.contains(BlockKey.Imei(w.alice.imei)) && keys.size >= 2, keys)
    val outcome = phone.checkShards(trust, screen, NOW) { path, max -> repo.fetch(path, max) }
    check("the shards of day 10's list were fetched", outcome.version == ListVersion(0UL, 2UL) &&
        outcome.shardsFetched in 1u..keys.size.toUInt() && outcome.headExpiresAt == NOW + DAY, outcome)
    check("the head first, then only shard files", repo.asked.first() == repositoryHeadPath() &&
        repo.asked.drop(1).all { it.startsWith("shards/") && it.endsWith(".pcsh") }, repo.asked)
    check("a few kilobytes, not the list", outcome.bytesFetched < 20_000UL, outcome.bytesFetched)
    val verdict = Verifier(trust, phone).verifyPart(screen, NOW)
    val atTheShop = Verifier(trust, Blocklist().also { it.apply(trust, w.list2, NOW) }).verifyPart(screen, NOW)
    check("harvested screen BLOCKED through shards", verdict.isBlocked && verdict.summary == "genuine (serial-only), used, BLOCKED: stolen", verdict.summary)
    check("the same headline as the whole list's", verdict.headline == atTheShop.headline && verdict.headline.endsWith("is listed as stolen"), verdict.headline)
    check("the same listing as the whole list's", (verdict.blocklist as? BlocklistStatus.Blocked)?.listings ==
        (atTheShop.blocklist as? BlocklistStatus.Blocked)?.listings)

    // Alice's phone, found with a new owner, checks itself at boot through shards.
    val handset = HandsetEvidence(w.alice.record, listOf(w.alice.imei), listOf(FittedPart(w.alice.board, w.chain)))
    val boot = Blocklist()
    boot.checkShards(trust, handset, NOW) { path, max -> repo.fetch(path, max) }
    val report = Verifier(trust, boot).verifyHandset(handset, NOW)
    check("Alice's handset reports itself BLOCKED through shards", report.isBlocked &&
        report.headline == "BLOCKED — this handset is listed as stolen", report.headline)
    // Checked again at the same version: every shard is held, nothing is fetched.
    val asked = repo.asked.size
    val again = boot.checkShards(trust, handset, NOW) { path, max -> repo.fetch(path, max) }
    check("a second check at the same version fetches only the head", again.shardsFetched == 0u && repo.asked.size == asked + 1, again)
}

/** Alice's phone, found with a new owner, checks itself at boot: the check plans one shard per
 *  slice its keys lie in (its IMEI, its board), each named by nextFetch in turn, and checkShards
 *  asks for the whole plan before any shard has come back — one round trip after the head's. */
fun alicesPhoneAtBootAsksForItsWholePlanAtOnce(w: World) = runBlocking {
    val trust = w.trust()
    val repo = ShardedRepository(w)
    val handset = HandsetEvidence(w.alice.record, listOf(w.alice.imei), listOf(FittedPart(w.alice.board, w.chain)))
    val keys = Verifier(trust).handsetBlocklistKeys(handset, NOW)
    // Each key's slice, from a check of that key alone.
    val slices = keys.map { key ->
        Blocklist().beginShardCheck(trust, repo.head.toBytes(), listOf(key), NOW).use { it.fetches().single().index }
    }.toSortedSet()
    val check = Blocklist().beginShardCheck(trust, repo.head.toBytes(), keys, NOW)
    val plan = check.fetches()
    check("one shard per slice the keys lie in, in order", plan.map { it.index } == slices.toList() &&
        plan.size.toUInt() == check.remaining() && plan.size in 1..keys.size, plan)
    check("every shard under the head's root", plan.all { it.path == repo.shards.path(it.index) && it.maxSize <= maxShardLen() })
    for ((taken, shard) in plan.withIndex()) {
        check("nextFetch names the plan's shard ${taken + 1}", check.nextFetch() == shard && check.fetches() == plan.drop(taken))
        check.offer(repo.files[shard.path]!!)
    }
    check("the plan is spent", check.nextFetch() == null && check.fetches().isEmpty())
    check.close()

    // Through checkShards, over a fetch that waits once before it answers, as a network does.
    val events = mutableListOf<String>()
    val boot = Blocklist()
    val outcome = boot.checkShards(trust, handset, NOW) { path, max ->
        events += "asked $path"
        if (path != repositoryHeadPath()) kotlinx.coroutines.yield()
        repo.fetch(path, max).also { events += "came $path" }
    }
    val shardEvents = events.drop(2)
    check("every planned shard asked for before any came back", outcome.shardsFetched.toInt() == plan.size &&
        shardEvents.take(plan.size) == plan.map { "asked ${it.path}" } &&
        shardEvents.drop(plan.size).toSet() == plan.map { "came ${it.path}" }.toSet(), events)
    check("Alice's handset reports itself BLOCKED", Verifier(trust, boot).verifyHandset(handset, NOW).isBlocked)
}

/** Bob's phone was broken up honestly: his screen reads clean through shards; a key whose shard
 *  the phone never fetched is refused (408 ShardNotHeld), never read as clean. */
fun bobsDonorScreenReadsCleanThroughShards(w: World) = runBlocking {
    val trust = w.trust()
    val repo = ShardedRepository(w)
    val phone = Blocklist()
    val screen = PartEvidence(w.bob.screen, w.chain, pairing = w.bob.record)
    phone.checkShards(trust, screen, NOW) { path, max -> repo.fetch(path, max) }
    val verdict = Verifier(trust, phone).verifyPart(screen, NOW)
    check("donor screen clean through shards", verdict.summary == "genuine (serial-only), used, clean" && !verdict.isStale, verdict.summary)
    val held = phone.lists().single()
    check("the phone consults day 10's list", held.version == ListVersion(0UL, 2UL) && held.authorityName == "National Mobile Property Register")
    val elsewhere = (1..64).map { stolenOn(100 + it).key }.firstOrNull { key ->
        try { phone.lookup(listOf(key)); false } catch (e: PartcertException) { true }
    }
    check("some key lies in a shard never fetched", elsewhere != null)
    if (elsewhere != null) {
        val e = expectError("a key whose shard was never fetched", 408u) { phone.lookup(listOf(elsewhere)) }
        check("ShardNotHeld, a blocklist-state error", e != null && e.code == 408 && e.info().name == "ShardNotHeld" && e is PartcertException.BlocklistState, e)
    }
}

/** A mirror alters a shard in transit: the phone refuses it (206, the proof no longer leads to
 *  the root the head signs) and its lists are as before; so is a head that names no shards. */
fun aTamperedShardIsRefusedAndChangesNothing(w: World) {
    val trust = w.trust()
    val repo = ShardedRepository(w)
    val phone = Blocklist()
    val before = phone.saveState()
    val keys = Verifier(trust).blocklistKeys(PartEvidence(w.alice.screen, w.chain, pairing = w.alice.record), NOW)
    val check = phone.beginShardCheck(trust, repo.head.toBytes(), keys, NOW)
    val shard = check.nextFetch()!!
    check("the shard's path is under the root", shard.path == repo.shards.path(shard.index) && shard.maxSize <= maxShardLen())
    val structure = checkShardStructure(repo.files[shard.path]!!)
    check("the shard file says its slice", structure.index == shard.index && structure.bits == 2u && structure.version == ListVersion(0UL, 2UL))
    val tampered = repo.files[shard.path]!!.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
    expectError("a tampered shard", 206u) { check.offer(tampered) }
    check("the check has ended", check.nextFetch() == null && check.remaining() == 0u)
    expectError("finishing an ended check", 503u) { check.finish() }
    check("the phone's lists are unchanged", phone.saveState().contentEquals(before) && phone.lists().isEmpty())
    val plain = w.register.publishHead(null, listOf(SignedList.decode(w.list2)), 30UL * DAY, NOW - HOUR, NOW + DAY)
    expectError("a head that names no shards", 111u) { phone.beginShardCheck(trust, plain.toBytes(), keys, NOW) }
    expectError("shards of the register's list cut for another head", 111u) {
        val other = w.register.publishHead(null, listOf(SignedList.decode(w.list1)), 30UL * DAY, NOW - HOUR, NOW + DAY)
        w.register.headWithShards(other, repo.shards)
    }
}
