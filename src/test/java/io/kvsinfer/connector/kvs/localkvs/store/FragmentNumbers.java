package io.kvsinfer.connector.kvs.localkvs.store;

import org.apache.flink.annotation.Internal;

import java.math.BigInteger;

/**
 * Makes fragment numbers shaped like KVS's: 47-digit decimal strings that grow by a huge stride, so
 * clients that parse them as a long fail here as they would against AWS. A number maps back to its
 * sequence without a lookup table.
 */
@Internal
public final class FragmentNumbers {

    /** A real fragment number seen from AWS; every stream counts up from near it. */
    private static final BigInteger AWS_SAMPLE =
            new BigInteger("91343852333185057105875891022195998207386831087");

    /** About the spacing AWS shows between consecutive fragments (2^92). */
    private static final BigInteger STRIDE = BigInteger.ONE.shiftLeft(92);

    /** Numbers that can never parse to a valid sequence are longer than this. */
    private static final int MAX_DIGITS = 64;

    private final BigInteger base;

    /** {@code streamOrdinal} shifts the base so that two streams never share numbers. */
    public FragmentNumbers(long streamOrdinal) {
        this.base = AWS_SAMPLE.add(BigInteger.valueOf(streamOrdinal).shiftLeft(40));
    }

    public String numberOf(long sequence) {
        return base.add(STRIDE.multiply(BigInteger.valueOf(sequence))).toString();
    }

    /**
     * The sequence {@code number} was made from, or -1 if it is not one of this stream's numbers.
     */
    public long sequenceOf(String number) {
        if (number == null || number.isEmpty() || number.length() > MAX_DIGITS) {
            return -1;
        }
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        BigInteger[] quotientAndRemainder =
                new BigInteger(number).subtract(base).divideAndRemainder(STRIDE);
        if (quotientAndRemainder[1].signum() != 0
                || quotientAndRemainder[0].signum() < 0
                || quotientAndRemainder[0].bitLength() > 62) {
            return -1;
        }
        return quotientAndRemainder[0].longValue();
    }
}
