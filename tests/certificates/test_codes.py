"""Public codes: random, at least 128 bits, typeable, grouped, forgiving when typed."""

import math
import re

from app.certificates import codes

GROUPED = re.compile(r"^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$")


def test_a_code_has_at_least_128_bits_in_seven_groups_of_four():
    code = codes.new_code()
    assert GROUPED.match(code), code
    assert codes.BITS >= 128
    assert len(code.replace("-", "")) * math.log2(len(codes.ALPHABET)) >= 128


def test_codes_are_unique_and_not_sequential():
    made = [codes.new_code() for _ in range(2000)]
    assert len(set(made)) == len(made)
    assert made != sorted(made)
    # every symbol turns up in every position over many codes: no fixed prefix or counter
    firsts = {code[0] for code in made}
    assert len(firsts) == 32


def test_typed_codes_are_normalised():
    code = codes.new_code()
    raw = code.replace("-", "")
    assert codes.normalise(code) == code
    assert codes.normalise(raw.lower()) == code
    assert codes.normalise("  " + " ".join(code.split("-")) + " ") == code
    with_lookalikes = code.replace("0", "O").replace("1", "l")
    assert codes.normalise(with_lookalikes) == code


def test_what_cannot_be_a_code_is_refused():
    for typed in ["", None, "ABC", "U" * 28, "A" * 29, "<script>", "A" * 500, "7K2M-" * 8]:
        assert codes.normalise(typed) is None
