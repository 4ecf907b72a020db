// Hand-written, shipped with the generated bindings (compiled into partcert.jar by
// bindings/tests/run.sh and bindings/package.sh, copied beside the generated Kotlin by
// bindings/android.sh): a suspending shard check over the sans-I/O one. It only moves bytes
// between the app's HTTP stack and the core, which decides everything.

package org.partcert

import org.partcert.core.BlockKey
import org.partcert.core.ShardFetch

/**
 * Checks [keys] against a register's list without holding it, with the app's own HTTP stack:
 * fetches the head ([repositoryHeadPath]), then each shard the check asks for
 * ([ShardCheck.nextFetch]: one per slice of the key space a key lies in, none already held at
 * the head's version), offering each to the core, which proves it against the root the head
 * signs before keeping it. Once every shard is proven, this blocklist holds the register's
 * list as those shards: a [Verifier] over it answers each key as the whole list would (a key
 * whose shard was never fetched throws 408 ShardNotHeld, never reads clean). Returns the
 * version consulted, shards and bytes fetched, and when the head expires.
 *
 * [fetch] gets a path under the repository's base URL and the most bytes to read: the head's
 * bound, or the largest shard's size. Read no more than `maxBytes + 1` bytes and return what
 * came. A refused head or shard (altered, of another list or slice, an older head: 400)
 * throws [PartcertException]; whatever [fetch] throws propagates as it is. Either way the
 * lists held are untouched. The server learns which slices were asked for, never the keys.
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
        while (true) {
            val shard: ShardFetch = check.nextFetch() ?: break
            check.offer(fetch(shard.path, shard.maxSize.toLong()))
        }
        check.finish()
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
