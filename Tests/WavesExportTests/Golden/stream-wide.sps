* Encoding: UTF-8.
* Scoring syntax for wide.sav, written by `waves export` for study stream-2026.
* Run it from the folder that holds wide.sav (or edit the GET FILE path).
* It reverses reverse-keyed items, computes every scale score with its min_answered
* rule and runs RELIABILITY per scale and wave, reproducing `waves score` and the
* alphas of `waves reliability` (participants who answered every item).

GET FILE='wide.sav'.

* Reverse-keyed items: (min + max) - value. "Prefer not to answer" and any other
* value outside the response options become system-missing.
RECODE a02_w1 (1=5) (2=4) (3=3) (4=2) (5=1) (ELSE=SYSMIS) INTO a02_w1_r.
VARIABLE LABELS a02_w1_r 'a02_w1 reversed: 我常常觉得自己是局外人。'.
FORMATS a02_w1_r (F8.0).
RECODE an_item_identifier_that_is_much_longer_than_the_spss_l_063813_w1 (1=5)
    (2=4) (3=3) (4=2) (5=1) (ELSE=SYSMIS) INTO
    an_item_identifier_that_is_much_longer_than_the_spss_l_08f58f_r.
VARIABLE LABELS an_item_identifier_that_is_much_longer_than_the_spss_l_08f58f_r 'an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w1 reversed: Un item dont l''identifiant dépasse même la limite de SPSS.'.
FORMATS an_item_identifier_that_is_much_longer_than_the_spss_l_08f58f_r (F8.0).
RECODE a02_w2 (1=5) (2=4) (3=3) (4=2) (5=1) (ELSE=SYSMIS) INTO a02_w2_r.
VARIABLE LABELS a02_w2_r 'a02_w2 reversed: 我常常觉得自己是局外人。'.
FORMATS a02_w2_r (F8.0).
RECODE an_item_identifier_that_is_much_longer_than_the_spss_l_e9584c_w2 (1=5)
    (2=4) (3=3) (4=2) (5=1) (ELSE=SYSMIS) INTO
    an_item_identifier_that_is_much_longer_than_the_spss_l_eaf4b6_r.
VARIABLE LABELS an_item_identifier_that_is_much_longer_than_the_spss_l_eaf4b6_r 'an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w2 reversed: Un item dont l''identifiant dépasse même la limite de SPSS.'.
FORMATS an_item_identifier_that_is_much_longer_than_the_spss_l_eaf4b6_r (F8.0).
RECODE a02_w3 (1=5) (2=4) (3=3) (4=2) (5=1) (ELSE=SYSMIS) INTO a02_w3_r.
VARIABLE LABELS a02_w3_r 'a02_w3 reversed: 我常常觉得自己是局外人。'.
FORMATS a02_w3_r (F8.0).
RECODE an_item_identifier_that_is_much_longer_than_the_spss_l_6bfef7_w3 (1=5)
    (2=4) (3=3) (4=2) (5=1) (ELSE=SYSMIS) INTO
    an_item_identifier_that_is_much_longer_than_the_spss_l_e59533_r.
VARIABLE LABELS an_item_identifier_that_is_much_longer_than_the_spss_l_e59533_r 'an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w3 reversed: Un item dont l''identifiant dépasse même la limite de SPSS.'.
FORMATS an_item_identifier_that_is_much_longer_than_the_spss_l_e59533_r (F8.0).
RECODE q3_w1 (1=3) (2=2) (3=1) (ELSE=SYSMIS) INTO q3_w1_r.
VARIABLE LABELS q3_w1_r 'q3_w1 reversed: Three'.
FORMATS q3_w1_r (F8.0).
RECODE q3_w3 (1=3) (2=2) (3=1) (ELSE=SYSMIS) INTO q3_w3_r.
VARIABLE LABELS q3_w3_r 'q3_w3 reversed: Three'.
FORMATS q3_w3_r (F8.0).

* Scale scores: MEAN.n is the mean of the answered items when at least n are answered.
COMPUTE core_w1 = MEAN.3(a01_w1, a02_w1_r, a03_w1,
    item_whose_identifier_exceeds_stata_limit_w1,
    an_item_identifier_that_is_much_longer_than_the_spss_l_08f58f_r).
VARIABLE LABELS core_w1 'Scale score: Identité (noyau) (w1)'.
FORMATS core_w1 (F8.2).
COMPUTE total_w1 = MEAN.3(a01_w1, a02_w1_r, a03_w1) * 3.
VARIABLE LABELS total_w1 'Scale score: Total (somme proratisée) (w1)'.
FORMATS total_w1 (F8.2).
COMPUTE core_w2 = MEAN.3(a01_w2, a02_w2_r, a03_w2,
    item_whose_identifier_exceeds_stata_limit_w2,
    an_item_identifier_that_is_much_longer_than_the_spss_l_eaf4b6_r).
VARIABLE LABELS core_w2 'Scale score: Identité (noyau) (w2)'.
FORMATS core_w2 (F8.2).
COMPUTE total_w2 = MEAN.3(a01_w2, a02_w2_r, a03_w2) * 3.
VARIABLE LABELS total_w2 'Scale score: Total (somme proratisée) (w2)'.
FORMATS total_w2 (F8.2).
COMPUTE core_w3 = MEAN.3(a01_w3, a02_w3_r, a03_w3,
    item_whose_identifier_exceeds_stata_limit_w3,
    an_item_identifier_that_is_much_longer_than_the_spss_l_e59533_r).
VARIABLE LABELS core_w3 'Scale score: Identité (noyau) (w3)'.
FORMATS core_w3 (F8.2).
COMPUTE total_w3 = MEAN.3(a01_w3, a02_w3_r, a03_w3) * 3.
VARIABLE LABELS total_w3 'Scale score: Total (somme proratisée) (w3)'.
FORMATS total_w3 (F8.2).
COMPUTE dks_w1 = MEAN.1(q1_w1, q2_w1, q3_w1_r).
VARIABLE LABELS dks_w1 'Scale score: DK scale (w1)'.
FORMATS dks_w1 (F8.2).
COMPUTE dks_w3 = MEAN.1(q1_w3, q2_w3, q3_w3_r).
VARIABLE LABELS dks_w3 'Scale score: DK scale (w3)'.
FORMATS dks_w3 (F8.2).
EXECUTE.

* Cronbach's alpha per scale and wave (listwise: participants who answered every item).
RELIABILITY
  /VARIABLES=a01_w1 a02_w1_r a03_w1
    item_whose_identifier_exceeds_stata_limit_w1
    an_item_identifier_that_is_much_longer_than_the_spss_l_08f58f_r
  /SCALE('ident.core at w1') ALL
  /MODEL=ALPHA.
RELIABILITY
  /VARIABLES=a01_w1 a02_w1_r a03_w1
  /SCALE('ident.total at w1') ALL
  /MODEL=ALPHA.
RELIABILITY
  /VARIABLES=a01_w2 a02_w2_r a03_w2
    item_whose_identifier_exceeds_stata_limit_w2
    an_item_identifier_that_is_much_longer_than_the_spss_l_eaf4b6_r
  /SCALE('ident.core at w2') ALL
  /MODEL=ALPHA.
RELIABILITY
  /VARIABLES=a01_w2 a02_w2_r a03_w2
  /SCALE('ident.total at w2') ALL
  /MODEL=ALPHA.
RELIABILITY
  /VARIABLES=a01_w3 a02_w3_r a03_w3
    item_whose_identifier_exceeds_stata_limit_w3
    an_item_identifier_that_is_much_longer_than_the_spss_l_e59533_r
  /SCALE('ident.core at w3') ALL
  /MODEL=ALPHA.
RELIABILITY
  /VARIABLES=a01_w3 a02_w3_r a03_w3
  /SCALE('ident.total at w3') ALL
  /MODEL=ALPHA.
RELIABILITY
  /VARIABLES=q1_w1 q2_w1 q3_w1_r
  /SCALE('dk.dks at w1') ALL
  /MODEL=ALPHA.
RELIABILITY
  /VARIABLES=q1_w3 q2_w3 q3_w3_r
  /SCALE('dk.dks at w3') ALL
  /MODEL=ALPHA.

* Mean scale scores.
DESCRIPTIVES VARIABLES=core_w1 total_w1 core_w2 total_w2 core_w3 total_w3
    dks_w1 dks_w3
  /STATISTICS=MEAN STDDEV MIN MAX.
