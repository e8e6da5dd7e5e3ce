# Independent reference for SecretAndInvitationTests.testCodeHashIsHMACSHA256OfTheNormalisedCode:
# key = bytes 0..31, code typed "abcd-o123-wxyz" normalises to "ABCD0123WXYZ".
# Run: python3 hmac_expected.py > hmac_expected.txt
import hashlib
import hmac

print(hmac.new(bytes(range(32)), b"ABCD0123WXYZ", hashlib.sha256).hexdigest())
