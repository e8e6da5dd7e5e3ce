* Encoding: UTF-8.
* Scoring syntax for deid.sav, written by `waves export` for study stream-2026.
* Run it from the folder that holds deid.sav (or edit the GET FILE path).
* It reverses reverse-keyed items, computes every scale score with its min_answered
* rule and runs RELIABILITY per scale and wave, reproducing `waves score` and the
* alphas of `waves reliability` (participants who answered every item).

GET FILE='deid.sav'.

* Reverse-keyed items: (min + max) - value. "Prefer not to answer" and any other
* value outside the response options become system-missing.
RECODE a02 (1=5) (2=4) (3=3) (4=2) (5=1) (ELSE=SYSMIS) INTO a02_r.
VARIABLE LABELS a02_r 'a02 reversed: 我常常觉得自己是局外人。'.
FORMATS a02_r (F8.0).
RECODE an_item_identifier_that_is_much_longer_than_the_spss_limi_8b8937 (1=5)
    (2=4) (3=3) (4=2) (5=1) (ELSE=SYSMIS) INTO
    an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r.
VARIABLE LABELS an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r 'an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes reversed: Un item dont l''identifiant dépasse même la limite de SPSS.'.
FORMATS an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r (F8.0).
RECODE q3 (1=3) (2=2) (3=1) (ELSE=SYSMIS) INTO q3_r.
VARIABLE LABELS q3_r 'q3 reversed: Three'.
FORMATS q3_r (F8.0).

* Scale scores: MEAN.n is the mean of the answered items when at least n are answered.
COMPUTE core = MEAN.3(a01, a02_r, a03,
    item_whose_identifier_exceeds_stata_limit,
    an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r).
VARIABLE LABELS core 'Scale score: Identité (noyau)'.
FORMATS core (F8.2).
COMPUTE total = MEAN.3(a01, a02_r, a03) * 3.
VARIABLE LABELS total 'Scale score: Total (somme proratisée)'.
FORMATS total (F8.2).
COMPUTE dks = MEAN.1(q1, q2, q3_r).
VARIABLE LABELS dks 'Scale score: DK scale'.
FORMATS dks (F8.2).
EXECUTE.

* Cronbach's alpha per scale and wave (listwise: participants who answered every item).
TEMPORARY.
SELECT IF (wave = 'w1').
RELIABILITY
  /VARIABLES=a01 a02_r a03 item_whose_identifier_exceeds_stata_limit
    an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r
  /SCALE('ident.core at w1') ALL
  /MODEL=ALPHA.
TEMPORARY.
SELECT IF (wave = 'w2').
RELIABILITY
  /VARIABLES=a01 a02_r a03 item_whose_identifier_exceeds_stata_limit
    an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r
  /SCALE('ident.core at w2') ALL
  /MODEL=ALPHA.
TEMPORARY.
SELECT IF (wave = 'w3').
RELIABILITY
  /VARIABLES=a01 a02_r a03 item_whose_identifier_exceeds_stata_limit
    an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r
  /SCALE('ident.core at w3') ALL
  /MODEL=ALPHA.
TEMPORARY.
SELECT IF (wave = 'w1').
RELIABILITY
  /VARIABLES=a01 a02_r a03
  /SCALE('ident.total at w1') ALL
  /MODEL=ALPHA.
TEMPORARY.
SELECT IF (wave = 'w2').
RELIABILITY
  /VARIABLES=a01 a02_r a03
  /SCALE('ident.total at w2') ALL
  /MODEL=ALPHA.
TEMPORARY.
SELECT IF (wave = 'w3').
RELIABILITY
  /VARIABLES=a01 a02_r a03
  /SCALE('ident.total at w3') ALL
  /MODEL=ALPHA.
TEMPORARY.
SELECT IF (wave = 'w1').
RELIABILITY
  /VARIABLES=q1 q2 q3_r
  /SCALE('dk.dks at w1') ALL
  /MODEL=ALPHA.
TEMPORARY.
SELECT IF (wave = 'w3').
RELIABILITY
  /VARIABLES=q1 q2 q3_r
  /SCALE('dk.dks at w3') ALL
  /MODEL=ALPHA.

* Mean scale scores.
MEANS TABLES=core total dks BY wave
  /CELLS=MEAN COUNT STDDEV.
