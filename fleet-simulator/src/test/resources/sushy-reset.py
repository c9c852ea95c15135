# Drives one reset through OpenStack's sushy client library (Debian python3-sushy), as Ironic would:
#   sushy-reset.py BASE_URL ROOT_PREFIX USER PASSWORD SYSTEM|- RESET_TYPE [CA_BUNDLE|insecure]
# SYSTEM '-' lets sushy find the only system; 'insecure' turns TLS verification off. Prints the system's id, its power state and allowed reset types,
# then "reset sent"; any failure is sushy's own exception on stderr and exit status 1.
import sys

import sushy

base, prefix, user, password, system, reset = sys.argv[1:7]
verify = True if len(sys.argv) < 8 else (False if sys.argv[7] == 'insecure' else sys.argv[7])
root = sushy.Sushy(base, username=user, password=password, root_prefix=prefix, verify=verify)
s = root.get_system(None if system == '-' else system)
allowed = sorted(str(getattr(v, 'value', v)) for v in s.get_allowed_reset_system_values())
print('system', s.identity, 'power', getattr(s.power_state, 'value', s.power_state), 'allowed', ','.join(allowed))
try:
    from sushy.resources.constants import ResetType  # sushy >= 4: reset types are an enum
    reset = ResetType(reset)
except ImportError:
    pass
s.reset_system(reset)
print('reset sent')
