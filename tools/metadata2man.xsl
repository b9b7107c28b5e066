<?xml version="1.0"?>
<!--
  vpnha: an agent's OCF 1.1 metadata (ocf-metadata/NAME.xml, the single
  source) -> its man page ocf_vpnha_NAME(7), in roff, in the layout of
  resource-agents' ocf_heartbeat_*(7) pages: description, parameters with
  types and defaults, actions with timeouts, an example pcs line.

    xsltproc -stringparam version 0.1.0 [-stringparam ocfroot /usr/lib/ocf] tools/metadata2man.xsl ocf-metadata/vip.xml

  Text: each line of a longdesc becomes a filled roff text line, a blank
  line a paragraph break, an indented line a literal (no-fill) line.
  Every text line starts with \& and '\' and '-' are escaped, so nothing in
  the XML can be read as a roff request.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:param name="version" select="''"/>
<xsl:param name="provider" select="'vpnha'"/>
<xsl:param name="ocfroot" select="'/usr/lib/ocf'"/>
<xsl:variable name="nl" select="'&#10;'"/>
<xsl:variable name="lower" select="'abcdefghijklmnopqrstuvwxyz-'"/>
<xsl:variable name="upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ_'"/>

<!-- escape: '\' -> '\e', '-' -> '\-' -->
<xsl:template name="esc">
  <xsl:param name="s"/>
  <xsl:choose>
    <xsl:when test="contains($s, '\')">
      <xsl:call-template name="esc-dash"><xsl:with-param name="s" select="substring-before($s, '\')"/></xsl:call-template>
      <xsl:text>\e</xsl:text>
      <xsl:call-template name="esc"><xsl:with-param name="s" select="substring-after($s, '\')"/></xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <xsl:call-template name="esc-dash"><xsl:with-param name="s" select="$s"/></xsl:call-template>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>
<xsl:template name="esc-dash">
  <xsl:param name="s"/>
  <xsl:choose>
    <xsl:when test="contains($s, '-')">
      <xsl:value-of select="substring-before($s, '-')"/>
      <xsl:text>\-</xsl:text>
      <xsl:call-template name="esc-dash"><xsl:with-param name="s" select="substring-after($s, '-')"/></xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- a longdesc, line by line: $started (some text was written), $gap (a blank line is pending) -->
<xsl:template name="text">
  <xsl:param name="s"/>
  <xsl:param name="started" select="0"/>
  <xsl:param name="gap" select="0"/>
  <xsl:if test="string-length($s) &gt; 0">
    <xsl:variable name="line">
      <xsl:choose>
        <xsl:when test="contains($s, $nl)"><xsl:value-of select="substring-before($s, $nl)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="blank" select="normalize-space($line) = ''"/>
    <xsl:if test="not($blank)">
      <xsl:if test="$started = 1 and $gap = 1"><xsl:text>.PP&#10;</xsl:text></xsl:if>
      <xsl:choose>
        <xsl:when test="starts-with($line, ' ') or starts-with($line, '&#9;')">
          <xsl:text>.RS 4&#10;.nf&#10;\&amp;</xsl:text>
          <xsl:call-template name="esc"><xsl:with-param name="s" select="normalize-space($line)"/></xsl:call-template>
          <xsl:text>&#10;.fi&#10;.RE&#10;</xsl:text>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>\&amp;</xsl:text>
          <xsl:call-template name="esc"><xsl:with-param name="s" select="normalize-space($line)"/></xsl:call-template>
          <xsl:text>&#10;</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:if>
    <xsl:call-template name="text">
      <xsl:with-param name="s" select="substring-after($s, $nl)"/>
      <xsl:with-param name="started" select="number($started = 1 or not($blank))"/>
      <xsl:with-param name="gap" select="number($blank)"/>
    </xsl:call-template>
  </xsl:if>
</xsl:template>

<xsl:template match="/resource-agent">
  <xsl:variable name="name" select="@name"/>
  <xsl:text>.\" Generated from ocf-metadata/</xsl:text><xsl:value-of select="$name"/>
  <xsl:text>.xml by tools/metadata2man.xsl: edit the XML, not this file.&#10;</xsl:text>
  <xsl:text>.TH "OCF_</xsl:text>
  <xsl:value-of select="translate($provider, $lower, $upper)"/><xsl:text>_</xsl:text>
  <xsl:value-of select="translate($name, $lower, $upper)"/>
  <xsl:text>" "7" "" "vpnha </xsl:text><xsl:value-of select="$version"/>
  <xsl:text>" "OCF resource agents"&#10;</xsl:text>
  <xsl:text>.nh&#10;.ad l&#10;</xsl:text>

  <xsl:text>.SH NAME&#10;ocf_</xsl:text><xsl:value-of select="$provider"/><xsl:text>_</xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="$name"/></xsl:call-template>
  <xsl:text> \- </xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="normalize-space(shortdesc)"/></xsl:call-template>
  <xsl:text>&#10;</xsl:text>

  <xsl:text>.SH SYNOPSIS&#10;\fB</xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="$name"/></xsl:call-template>
  <xsl:text>\fR [</xsl:text>
  <xsl:for-each select="actions/action[not(@name = preceding-sibling::action/@name)]">
    <xsl:call-template name="esc"><xsl:with-param name="s" select="@name"/></xsl:call-template>
    <xsl:if test="position() != last()"><xsl:text> | </xsl:text></xsl:if>
  </xsl:for-each>
  <xsl:text>]&#10;.PP&#10;</xsl:text>
  <xsl:text>Installed as </xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="$ocfroot"/></xsl:call-template>
  <xsl:text>/resource.d/</xsl:text><xsl:value-of select="$provider"/>
  <xsl:text>/</xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="$name"/></xsl:call-template>
  <xsl:text>; Pacemaker knows it as \fBocf:</xsl:text><xsl:value-of select="$provider"/><xsl:text>:</xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="$name"/></xsl:call-template>
  <xsl:text>\fR.&#10;</xsl:text>

  <xsl:text>.SH DESCRIPTION&#10;</xsl:text>
  <xsl:call-template name="text"><xsl:with-param name="s" select="longdesc"/></xsl:call-template>

  <xsl:text>.SH SUPPORTED PARAMETERS&#10;</xsl:text>
  <xsl:for-each select="parameters/parameter">
    <xsl:text>.PP&#10;\fB</xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="@name"/></xsl:call-template>
    <xsl:text>\fR&#10;.RS 4&#10;</xsl:text>
    <xsl:call-template name="text"><xsl:with-param name="s" select="normalize-space(shortdesc)"/></xsl:call-template>
    <xsl:text>.sp&#10;</xsl:text>
    <xsl:call-template name="text"><xsl:with-param name="s" select="longdesc"/></xsl:call-template>
    <xsl:text>.sp&#10;\&amp;(</xsl:text>
    <xsl:if test="@unique-group or @unique = '1'"><xsl:text>unique, </xsl:text></xsl:if>
    <xsl:choose>
      <xsl:when test="@required = '1'"><xsl:text>required</xsl:text></xsl:when>
      <xsl:otherwise><xsl:text>optional</xsl:text></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="@reloadable = '1'"><xsl:text>, reloadable</xsl:text></xsl:if>
    <xsl:text>, </xsl:text><xsl:value-of select="content/@type"/>
    <xsl:if test="content/option">
      <xsl:text>: </xsl:text>
      <xsl:for-each select="content/option">
        <xsl:call-template name="esc"><xsl:with-param name="s" select="@value"/></xsl:call-template>
        <xsl:if test="position() != last()"><xsl:text> | </xsl:text></xsl:if>
      </xsl:for-each>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="content/@default">
        <xsl:text>, default "</xsl:text>
        <xsl:call-template name="esc"><xsl:with-param name="s" select="content/@default"/></xsl:call-template>
        <xsl:text>"</xsl:text>
      </xsl:when>
      <xsl:otherwise><xsl:text>, no default</xsl:text></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="deprecated"><xsl:text>, deprecated</xsl:text></xsl:if>
    <xsl:text>)&#10;.RE&#10;</xsl:text>
  </xsl:for-each>

  <xsl:text>.SH SUPPORTED ACTIONS&#10;.PP&#10;</xsl:text>
  <xsl:text>This resource agent supports the following actions (operations):&#10;</xsl:text>
  <xsl:for-each select="actions/action">
    <xsl:text>.PP&#10;\fB</xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="@name"/></xsl:call-template>
    <xsl:text>\fR&#10;.RS 4&#10;</xsl:text>
    <xsl:choose>
      <xsl:when test="@name = 'start'">Starts the resource.</xsl:when>
      <xsl:when test="@name = 'stop'">Stops the resource.</xsl:when>
      <xsl:when test="@name = 'monitor' and @depth and @depth != '0'">Checks the resource's health in depth (OCF_CHECK_LEVEL=<xsl:value-of select="@depth"/>).</xsl:when>
      <xsl:when test="@name = 'monitor'">Checks the resource's status.</xsl:when>
      <xsl:when test="@name = 'reload\-agent' or @name = 'reload-agent'">Applies a change of the reloadable parameters without a restart.</xsl:when>
      <xsl:when test="@name = 'meta-data'">Prints the agent's metadata (OCF 1.1 XML).</xsl:when>
      <xsl:when test="@name = 'validate-all'">Validates the parameters (OCF_CHECK_LEVEL=10: also this node's prerequisites).</xsl:when>
      <xsl:otherwise>Performs the <xsl:value-of select="@name"/> action.</xsl:otherwise>
    </xsl:choose>
    <xsl:text>&#10;</xsl:text>
    <xsl:if test="@timeout">
      <xsl:text>Suggested minimum timeout: </xsl:text><xsl:value-of select="@timeout"/><xsl:text>.&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="@interval">
      <xsl:text>Suggested interval: </xsl:text><xsl:value-of select="@interval"/><xsl:text>.&#10;</xsl:text>
    </xsl:if>
    <xsl:text>.RE&#10;</xsl:text>
  </xsl:for-each>

  <xsl:text>.SH "EXAMPLE PCS CONFIGURATION"&#10;.PP&#10;</xsl:text>
  <xsl:text>A \fBpcs\fR(8) command that creates an ocf:</xsl:text><xsl:value-of select="$provider"/><xsl:text>:</xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="$name"/></xsl:call-template>
  <xsl:text> resource with the parameters the metadata marks as required (replace each italic value; the description above says which others a given setting needs):&#10;</xsl:text>
  <xsl:text>.PP&#10;.RS 4&#10;.nf&#10;pcs resource create example_</xsl:text>
  <xsl:value-of select="translate($name, '-', '_')"/>
  <xsl:text> ocf:</xsl:text><xsl:value-of select="$provider"/><xsl:text>:</xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="$name"/></xsl:call-template>
  <xsl:text> \e&#10;</xsl:text>
  <xsl:for-each select="parameters/parameter[@required = '1']">
    <xsl:text>  </xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="@name"/></xsl:call-template>
    <xsl:text>=\fI</xsl:text><xsl:value-of select="content/@type"/><xsl:text>\fR \e&#10;</xsl:text>
  </xsl:for-each>
  <xsl:for-each select="actions/action[@name = 'monitor'][1]">
    <xsl:text>  op monitor interval=</xsl:text><xsl:value-of select="@interval"/>
    <xsl:text> timeout=</xsl:text><xsl:value-of select="@timeout"/>
  </xsl:for-each>
  <xsl:text>&#10;.fi&#10;.RE&#10;</xsl:text>
  <xsl:text>.PP&#10;\fBpcs resource describe ocf:</xsl:text><xsl:value-of select="$provider"/><xsl:text>:</xsl:text>
  <xsl:call-template name="esc"><xsl:with-param name="s" select="$name"/></xsl:call-template>
  <xsl:text>\fR shows the same parameters from the installed agent; /usr/share/doc/</xsl:text><xsl:value-of select="$provider"/>
  <xsl:text>/examples/pcs/configure\-site.sh configures a whole site with every vpnha agent.&#10;</xsl:text>

  <xsl:text>.SH "SEE ALSO"&#10;.PP&#10;</xsl:text>
  <xsl:text>\fBpcs\fR(8), \fBcrm\fR(8), \fBocf_vpnha_bgp\-peer\fR(7), \fBocf_vpnha_gre\-tunnel\fR(7), </xsl:text>
  <xsl:text>\fBocf_vpnha_ipsec\-conn\fR(7), \fBocf_vpnha_mii\-link\fR(7), \fBocf_vpnha_vip\fR(7), </xsl:text>
  <xsl:text>\fBmii\-linkd\fR(8); /usr/share/doc/vpnha/examples/README.md (from bare Debian gateways to an HA VPN).&#10;</xsl:text>
</xsl:template>
</xsl:stylesheet>
