// Small policies shared by the CLI tests. Line numbers matter to the assertions;
// they are noted beside the rules.

export const RBAC = `package app.rbac

default allow := false

allow if {
	some role in data.roles[input.user]
	role == "admin"
}

allow if input.user == "root"

groups contains g if some g in ["b", "a"]

x := 1 if input.a
x := 2 if input.a

unused if {
	input.never
}
`;
// lines: default 3; allow 5-8 (literals 6, 7); root 10; groups 12; x 14, 15; unused 17-19 (literal 18)

export const RBAC_TEST = `package app.rbac_test

import data.app.rbac

test_admin_allowed if {
	rbac.allow with input as {"user": "alice"} with data.roles as {"alice": ["admin"]}
}

test_guest_denied if {
	not rbac.allow with input as {"user": "bob"} with data.roles as {"bob": ["guest"]}
}

test_fails if {
	rbac.allow with input as {"user": "bob"}
}

todo_test_later if {
	false
}

test_conflict if {
	rbac.x with input as {"a": true}
}
`;
// tests: admin 5 (pass), guest 9 (pass), fails 13 (fail), todo 17 (skip), conflict 21 (error)

export const DATA_TEST = `package app.data_test

import data.app.rbac

test_carol_from_data_file if {
	rbac.allow with input as {"user": "carol"}
}
`;

export const BAD = `package app.bad

allow if {
	input.user == "x"
	y > 1
}
`;
// y is unsafe on line 5, column 2
