// Hand-written, shipped with the generated bindings (compiled into partcert.jar by
// bindings/tests/run.sh and bindings/package.sh, copied beside the generated Kotlin by
// bindings/android.sh): a suspending shard check over the sans-I/O one. It only moves bytes
// between the app's HTTP stack and the core, which decides everything.

package org.partcert

import org.partcert.core.BlockKey
import org.partcert.core.ShardFetch
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.Continuation
import kotlin.coroutines.coroutineContext
import kotlin.coroutines.startCoroutine
import kotlin.coroutines.suspendCoroutine

/**
 * Checks [keys] against a register's list without holding it, with the app's own HTTP stack:
 * fetches the head ([repositoryHeadPath]), then every shard the check plans
 * ([ShardCheck.fetches]: one per slice of the key space a key lies in, none already held at the
 * head's version) at once, concurrently — two round trips in all — and offers each in the
 * plan's order to the core, which proves it against the root the head signs before keeping it;
 * the first shard refused ends the check. Once every shard is proven, this blocklist holds the
 * register's list as those shards: a [Verifier] over it answers each key as the whole list
 * would (a key whose shard was never fetched throws 408 ShardNotHeld, never reads clean).
 * Returns the version consulted, shards and bytes fetched, and when the head expires.
 *
 * [fetch] gets a path under the repository's base URL and the most bytes to read: the head's
 * bound, or the largest shard's size. After the head it is called for every shard at once, in
 * this coroutine's context: each call runs until it first suspends, then the next starts (on a
 * multi-threaded dispatcher they may resume on several threads together). Read no more than
 * `maxBytes + 1` bytes and return what came. A refused head or shard (altered, of another list
 * or slice, an older head: 400) throws [PartcertException]; whatever [fetch] throws propagates
 * as it is, once every other fetch has ended. Either way the lists held are untouched. The
 * server learns which slices were asked for, never the keys.
 *
 * [now] is this device's clock, in seconds since the Unix epoch. Call it from a background
 * dispatcher: each shard is proven on the calling thread.
 */
suspend fun Blocklist.checkShards(
    trust: TrustStore,
    keys: List<BlockKey>,
    now: ULong = System.currentTimeMillis().toULong() / 1000UL,
    fetch: suspend (path: String, maxBytes: Long) -> ByteArray,
): ShardCheckOutcome {
    val head = fetch(repositoryHeadPath(), maxHeadLen().toLong())
    return beginShardCheck(trust, head, keys, now).use { check ->
        // No shard depends on another: every one is fetched at once (the second and last round
        // trip), then each is offered in the plan's order.
        for (bytes in fetchAll(check.fetches(), fetch)) check.offer(bytes)
        check.finish()
    }
}

/**
 * [fetch] of every shard of [plan] at once, in the caller's coroutine context (its dispatcher,
 * its job): each fetch starts at once and runs until it first suspends, so their round trips
 * overlap. Returns their bytes in the plan's order once every fetch has ended; if any threw,
 * throws the first error in the plan's order. Needs no kotlinx-coroutines.
 */
private suspend fun fetchAll(
    plan: List<ShardFetch>,
    fetch: suspend (path: String, maxBytes: Long) -> ByteArray,
): List<ByteArray> {
    if (plan.isEmpty()) return emptyList()
    val context = coroutineContext
    val answers = arrayOfNulls<Result<ByteArray>>(plan.size)
    val pending = AtomicInteger(plan.size)
    return suspendCoroutine { done ->
        plan.forEachIndexed { position, shard ->
            val fetchOne: suspend () -> ByteArray = { fetch(shard.path, shard.maxSize.toLong()) }
            fetchOne.startCoroutine(Continuation(context) { answer ->
                answers[position] = answer
                // The last fetch to end sees every answer (the counter orders the writes).
                if (pending.decrementAndGet() == 0) {
                    done.resumeWith(runCatching { answers.map { it!!.getOrThrow() } })
                }
            })
        }
    }
}

/**
 * [checkShards] for the keys a verdict on [part] looks up ([Verifier.blocklistKeys]: the
 * part's identity, its key's, the IMEIs of the handset it came from): then
 * `Verifier(trust, this).verifyPart(part, now)` reads as it would against the whole list.
 */
suspend fun Blocklist.checkShards(
    trust: TrustStore,
    part: PartEvidence,
    now: ULong = System.currentTimeMillis().toULong() / 1000UL,
    fetch: suspend (path: String, maxBytes: Long) -> ByteArray,
): ShardCheckOutcome {
    val keys = Verifier(trust).use { it.blocklistKeys(part, now) }
    return checkShards(trust, keys, now, fetch)
}

/**
 * [checkShards] for the keys a handset's self-check of [handset] looks up
 * ([Verifier.handsetBlocklistKeys]: its IMEIs and every fitted part's): then
 * `Verifier(trust, this).verifyHandset(handset, now)` reads as it would against the whole list.
 */
suspend fun Blocklist.checkShards(
    trust: TrustStore,
    handset: HandsetEvidence,
    now: ULong = System.currentTimeMillis().toULong() / 1000UL,
    fetch: suspend (path: String, maxBytes: Long) -> ByteArray,
): ShardCheckOutcome {
    val keys = Verifier(trust).use { it.handsetBlocklistKeys(handset, now) }
    return checkShards(trust, keys, now, fetch)
}
