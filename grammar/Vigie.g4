// The Vigie campaign language. engine/src/parse turns the parse tree into the
// AST of engine/src/ast/ast.hpp; it decodes and checks every literal.
//
// Design notes:
// - Newlines are not significant: every clause starts with a keyword, and
//   expressions never place two operands side by side, so a clause ends
//   where its expression cannot continue.
// - Weekday names, field types, question kinds, disposition names and option
//   ids are plain identifiers; the parse layer validates them. This keeps
//   `yes`, `no`, `date` or `number` usable as names in expressions.
// - `attempts` is a keyword (retry blocks) and also the name of the attempt
//   count in expressions, so the `name` rule accepts it.
// - Chains of binary operators and prefix operators are loops, not
//   recursion, so that long chains cost no parser stack. Only brackets and
//   the middle branch of `c ? a : b` recurse; the parse layer limits their
//   nesting before parsing.
// - Malformed input becomes error tokens (UNTERMINATED_STRING, BAD_NUMBER,
//   UNKNOWN_CHAR) instead of lexer errors, so that the parse layer reports
//   them with a precise message.
grammar Vigie;

tokens { CALL_LPAREN }

file : topDecl* EOF ;

topDecl
  : importDecl
  | hoursDecl
  | retryDecl
  | calendarDecl
  | campaignDecl
  ;

importDecl : IMPORT STRING ;

// ------------------------------------------------------------------ hours

hoursDecl : HOURS IDENT hoursBlock ;

hoursBlock : LBRACE hoursLine* RBRACE ;

hoursLine : hoursSelector (CLOSED | interval (COMMA interval)*) ;

hoursSelector
  : first_day=IDENT (MINUS last_day=IDENT)?   # weekdaySelector
  | HOLIDAY                           # holidaySelector
  | DATE                              # dateSelector
  ;

interval : from_time=TIME MINUS to_time=TIME ;

// ------------------------------------------------------------------ retry

retryDecl : RETRY IDENT retryBlock ;

retryBlock : LBRACE retryClause* RBRACE ;

retryClause
  : ATTEMPTS INT WITHIN DURATION          # attemptsClause
  | ON IDENT retryAction                   # onClause
  | OTHERWISE retryAction                 # otherwiseClause
  ;

retryAction
  : AFTER DURATION
  | STOP
  ;

// ------------------------------------------------------------------ calendar

calendarDecl : CALENDAR IDENT LBRACE calendarClause* RBRACE ;

calendarClause
  : BASE IDENT                            # baseClause
  | (ADD | REMOVE) DATE STRING?           # entryClause
  ;

// ------------------------------------------------------------------ campaign

campaignDecl : CAMPAIGN IDENT LBRACE campaignClause* RBRACE ;

campaignClause
  : TITLE STRING                                              # titleClause
  | TIMEZONE (STRING | FROM IDENT)                            # timezoneClause
  | CALENDAR IDENT                                            # calendarRefClause
  | SOURCE IDENT LBRACE fieldDecl* RBRACE                     # sourceClause
  | AUDIENCE expr                                             # audienceClause
  | PRIORITY expr                                             # priorityClause
  | TRIGGER ALERT STRING LEVEL comparisonOp levelValue        # triggerClause
  | START WITHIN DURATION                                     # startClause
  | RECONTACT EVERY DURATION WHILE ACTIVE                     # recontactClause
  | HOURS (IDENT | hoursBlock)                                # hoursClause
  | RETRY (IDENT | retryBlock)                                # retryRefClause
  | DISPOSITIONS LBRACE dispositionDecl* RBRACE               # dispositionsClause
  | SCRIPT LBRACE scriptStep* RBRACE                          # scriptClause
  | LET IDENT ASSIGN expr                                      # letClause
  | SCORE IDENT LBRACE scoreRule* RBRACE                       # scoreClause
  | ROUTE IDENT STRING? LBRACE routeClause* RBRACE             # routeDeclClause
  | USEFUL WHEN expr                                          # usefulClause
  | TARGET IDENT expr                                         # targetClause
  | PRICING IDENT                                             # pricingClause
  | TEST STRING LBRACE testClause* RBRACE                     # testDeclClause
  ;

levelValue : MINUS? INT ;

fieldDecl : IDENT IDENT fieldFlag* ;

fieldFlag : KEY | OPTIONAL ;

dispositionDecl : IDENT STRING? FINAL? ;

scriptStep
  : SAY IDENT STRING                                          # sayStep
  | ASK IDENT STRING questionKind askFlag*                    # askStep
  ;

// The kind is an identifier (yes_no, choice, multi, number); the parse layer
// checks it and that it comes with options or bounds as its kind needs.
questionKind : IDENT (LBRACE optionDecl* RBRACE | numberBound RANGE numberBound)? ;

numberBound : MINUS? (INT | DECIMAL) ;

optionDecl : IDENT STRING ;

askFlag
  : IF expr                                                   # askCondition
  | OPTIONAL                                                  # askOptional
  ;

scoreRule : condition=expr ARROW points=expr ;

routeClause
  : WHEN expr                                                 # routeWhen
  | NOTIFY IDENT WITHIN DURATION                              # routeNotify
  ;

testClause
  : GIVEN given (COMMA given)*                                # givenClause
  | EXPECT expr                                               # expectClause
  ;

given : name ASSIGN expr ;

// ------------------------------------------------------------------ expressions
// Precedence from low to high: ?:, or, and, comparisons (with `in` and
// `has`), + -, * / %, prefix - and not.

expr : orExpr (QUESTION expr COLON orExpr)* ;

orExpr : andExpr (OR andExpr)* ;

andExpr : comparison (AND comparison)* ;

comparison : additive (comparisonTail)* ;

comparisonTail
  : (comparisonOp | HAS) additive                             # binaryComparison
  | IN LBRACKET (expr (COMMA expr)*)? RBRACKET                # inList
  ;

comparisonOp : LT | LE | GT | GE | EQ | NE ;

additive : multiplicative ((PLUS | MINUS) multiplicative)* ;

multiplicative : unary ((STAR | SLASH | PERCENT_SIGN) unary)* ;

unary : (MINUS | NOT)* primary ;

primary
  : INT                                                       # intLiteral
  | DECIMAL                                                   # decimalLiteral
  | PERCENT                                                   # percentLiteral
  | STRING                                                    # stringLiteral
  | (TRUE_KW | FALSE_KW)                                            # boolLiteral
  | DURATION                                                  # durationLiteral
  | DATE                                                      # dateLiteral
  | DATETIME                                                  # dateTimeLiteral
  | name callArguments?                                       # nameRef
  | LBRACKET (expr (COMMA expr)*)? RBRACKET                   # listLiteral
  | LPAREN expr RPAREN                                        # parenthesized
  ;

// A call is a name with `(` right after it, no space between: the parse
// layer retypes such a `(` to CALL_LPAREN before parsing. Otherwise
// `x => bonus (a or b) => 3` in a score block could read as a call, and an
// unclosed call would be reported far from its missing `)`.
callArguments : CALL_LPAREN (expr (COMMA expr)*)? RPAREN ;

name : IDENT | ATTEMPTS ;

// ------------------------------------------------------------------ lexer

IMPORT : 'import' ;
HOURS : 'hours' ;
RETRY : 'retry' ;
CALENDAR : 'calendar' ;
CAMPAIGN : 'campaign' ;
CLOSED : 'closed' ;
HOLIDAY : 'holiday' ;
ATTEMPTS : 'attempts' ;
WITHIN : 'within' ;
ON : 'on' ;
AFTER : 'after' ;
STOP : 'stop' ;
OTHERWISE : 'otherwise' ;
BASE : 'base' ;
ADD : 'add' ;
REMOVE : 'remove' ;
TITLE : 'title' ;
TIMEZONE : 'timezone' ;
FROM : 'from' ;
SOURCE : 'source' ;
KEY : 'key' ;
OPTIONAL : 'optional' ;
AUDIENCE : 'audience' ;
PRIORITY : 'priority' ;
TRIGGER : 'trigger' ;
ALERT : 'alert' ;
LEVEL : 'level' ;
START : 'start' ;
RECONTACT : 'recontact' ;
EVERY : 'every' ;
WHILE : 'while' ;
ACTIVE : 'active' ;
DISPOSITIONS : 'dispositions' ;
FINAL : 'final' ;
SCRIPT : 'script' ;
SAY : 'say' ;
ASK : 'ask' ;
IF : 'if' ;
LET : 'let' ;
SCORE : 'score' ;
ROUTE : 'route' ;
WHEN : 'when' ;
NOTIFY : 'notify' ;
USEFUL : 'useful' ;
TARGET : 'target' ;
PRICING : 'pricing' ;
TEST : 'test' ;
GIVEN : 'given' ;
EXPECT : 'expect' ;
AND : 'and' ;
OR : 'or' ;
NOT : 'not' ;
IN : 'in' ;
HAS : 'has' ;
TRUE_KW : 'true' ;
FALSE_KW : 'false' ;

// Literals. The parse layer decodes them and reports impossible values
// (2019-02-30, 25:00) with their position.
DATETIME : D D D D '-' D D '-' D D 'T' D D ':' D D ;
DATE : D D D D '-' D D '-' D D ;
TIME : D D ':' D D ;
DURATION : (D+ [dhms])+ ;
PERCENT : D+ ('.' D+)? '%' ;
DECIMAL : D+ '.' D+ ;
INT : D+ ;
// A number glued to letters that do not form a duration (5y, 2h30, 1.5h).
// Longer than any DURATION prefix, so it wins and is reported as a whole.
BAD_NUMBER : D+ ('.' D+)? [A-Za-z_] [A-Za-z0-9_]* ;

STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
// A string that reaches the end of its line without a closing quote.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '\\'? ;

IDENT : [A-Za-z_] [A-Za-z0-9_]* ;

ARROW : '=>' ;
LE : '<=' ;
GE : '>=' ;
EQ : '==' ;
NE : '!=' ;
LT : '<' ;
GT : '>' ;
ASSIGN : '=' ;
RANGE : '..' ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;
SLASH : '/' ;
PERCENT_SIGN : '%' ;
QUESTION : '?' ;
COLON : ':' ;
COMMA : ',' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACKET : '[' ;
RBRACKET : ']' ;
LBRACE : '{' ;
RBRACE : '}' ;

// Comments go to the hidden channel: the parser never sees them, and the
// formatter (engine/src/parse/format.cpp) reads them from the token stream
// to put them back in place.
COMMENT : '#' ~[\r\n]* -> channel(HIDDEN) ;
// U+FEFF is a byte order mark some editors write at the start of a file.
WS : [ \t\r\n\uFEFF]+ -> skip ;

// Any other character; reported by the parse layer.
UNKNOWN_CHAR : . ;

fragment D : [0-9] ;
