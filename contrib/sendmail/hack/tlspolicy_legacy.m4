divert(-1)dnl
`
# tlspolicy_legacy.m4 -- milter-tlspolicy: send marked recipients to the legacy relay
#
# Install this file as <cf-dir>/hack/tlspolicy_legacy.m4 (Debian: /usr/share/sendmail/cf/hack/),
# then in sendmail.mc, before the MAILER() lines:
#
#	HACK(`tlspolicy_legacy', `RELAY', `PORT', `SUFFIX')dnl
#
#   RELAY   the legacy relay, as the host part of a mailer triple: `[legacy-relay.example.net]'
#           (brackets: use the address records, no MX lookup) or `[192.0.2.25]'. Required.
#   PORT    its TCP port. Default: 25.
#   SUFFIX  the marker that milter-tlspolicy appends to every recipient of a rerouted message
#           (policy setting reroute_suffix, default ".LEGACY-TLS"). Default: `.LEGACY-TLS'.
#           `*' instead routes EVERY address to RELAY: use it only in the configuration of the
#           quarantine runner (legacy.mc, see contrib/sendmail/README), never in the main sendmail.mc.
#
# What it adds:
#   - a mailer "legacy": the stock "relay" mailer with the port above (define
#     TLSPOLICY_LEGACY_MAILER_FLAGS before the HACK line to change its F= flags);
#   - the last label of the suffix to class P (canonical pseudo-domains), so that canonify does not look
#     up "example.com.LEGACY-TLS" in the DNS;
#   - two rules in ruleset ParseLocal (the LOCAL_RULE_0 hook of ruleset 0): user@domain.SUFFIX is
#     delivered by "legacy" to RELAY as user@domain, its original address.
#
# The milter adds each new recipient with the client's RCPT parameters and, unless the client gave
# one, ORCPT=rfc822;user@domain (smfi_addrcpt_par), so DSNs name the original address. Recipients that a milter adds at end of message are not checked against
# check_rcpt or the relay rules; nothing else changes for mail without the marker.
#
# Check it with:  sendmail -C sendmail.cf -bt   and   3,0 bob@example.com.LEGACY-TLS
#   -> $# legacy $@ [legacy-relay.example.net] $: bob < @ example . com . >
#
'
divert(0)
VERSIONID(`tlspolicy_legacy.m4 (milter-tlspolicy)')
divert(-1)

ifelse(_ARG_, `', `errprint(`*** ERROR: tlspolicy_legacy: the first argument, the legacy relay, is missing
')')
define(`_TLSPOLICY_RELAY_', _ARG_)
define(`_TLSPOLICY_PORT_', ifelse(_ARG2_, `', `25', _ARG2_))
define(`_TLSPOLICY_SUFFIX_', ifelse(_ARG3_, `', `.LEGACY-TLS', _ARG3_))
ifelse(_TLSPOLICY_SUFFIX_, `*', `define(`_TLSPOLICY_ALL_', `1')define(`_TLSPOLICY_SUFFIX_', `.LEGACY-TLS')')
ifelse(substr(_TLSPOLICY_SUFFIX_, 0, 1), `.', `',
	`errprint(`*** ERROR: tlspolicy_legacy: the suffix must start with a dot: 'defn(`_TLSPOLICY_SUFFIX_')`
')')
ifdef(`TLSPOLICY_LEGACY_MAILER_FLAGS', `', `define(`TLSPOLICY_LEGACY_MAILER_FLAGS', `mDFMuXa8')')

LOCAL_CONFIG
# milter-tlspolicy: legacy relay for rerouted messages (`HACK' tlspolicy_legacy)
CP`'substr(_TLSPOLICY_SUFFIX_, 1)
Mlegacy,	P=[IPC], F=TLSPOLICY_LEGACY_MAILER_FLAGS, S=EnvFromSMTP/HdrFromSMTP, R=MasqSMTP, E=\r\n, L=2040,
		T=DNS/RFC822/SMTP,
		A=TCP $h _TLSPOLICY_PORT_

LOCAL_RULE_0
# milter-tlspolicy: user@domain`'_TLSPOLICY_SUFFIX_ goes to the legacy relay as user@domain
R$* < @ $+ _TLSPOLICY_SUFFIX_ . > $*	$#legacy $@ _TLSPOLICY_RELAY_ $: $1 < @ $2 . > $3
R$* < @ $+ _TLSPOLICY_SUFFIX_ > $*	$#legacy $@ _TLSPOLICY_RELAY_ $: $1 < @ $2 > $3
ifdef(`_TLSPOLICY_ALL_', `# milter-tlspolicy: legacy queue runner: every remote address goes to the legacy relay
R$* < @ $+ > $*		$#legacy $@ _TLSPOLICY_RELAY_ $: $1 < @ $2 > $3
')
divert(-1)
